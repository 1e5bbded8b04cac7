namespace Shear.Numerics.Evaluation.Choice;

/// <summary>
/// One zero-shot item: a loglikelihood request per option, the index of the right option, and (for acc_norm) each
/// option's length in characters; null where the task has no acc_norm (BoolQ, Winogrande).
/// </summary>
/// <param name="Requests">(context, continuation) per option.</param>
/// <param name="Gold">Index of the correct option.</param>
/// <param name="NormLengths">Character length of each option's text, or null.</param>
public sealed record ChoiceItem(IReadOnlyList<(string Context, string Continuation)> Requests, int Gold, IReadOnlyList<int>? NormLengths)
{
    /// <summary>The usual multiple-choice item: one context, continuations <c>" " + choice</c>, acc_norm by choice length.</summary>
    public static ChoiceItem Of(string context, IReadOnlyList<string> choices, int gold) =>
        new(choices.Select(c => (context, " " + c)).ToList(), gold, choices.Select(c => c.Length).ToList());
}

/// <summary>lm-eval's metrics: <c>acc</c> (argmax of summed log-likelihood) and <c>acc_norm</c> (argmax of log-likelihood per character).</summary>
public static class MultipleChoice
{
    /// <summary>Items scored per call, so progress can be reported.</summary>
    public const int Chunk = 64;

    /// <summary>acc, and acc_norm when every item has lengths (else null); <paramref name="progress"/> gets (items done, items).</summary>
    /// <exception cref="ArgumentException">No items.</exception>
    public static (double Acc, double? AccNorm) Evaluate(LogLikelihood scorer, IReadOnlyList<ChoiceItem> items, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            throw new ArgumentException("no items to score", nameof(items));
        }

        var scores = new List<(double LogLikelihood, bool IsGreedy)>();
        for (int i = 0; i < items.Count; i += Chunk)
        {
            scores.AddRange(scorer.Score(items.Skip(i).Take(Chunk).SelectMany(x => x.Requests).ToList()));
            progress?.Invoke(Math.Min(i + Chunk, items.Count), items.Count);
        }

        int at = 0, right = 0, rightNorm = 0;
        foreach (var item in items)
        {
            var ll = scores.Skip(at).Take(item.Requests.Count).Select(s => s.LogLikelihood).ToList();
            right += ArgMax(ll) == item.Gold ? 1 : 0;
            if (item.NormLengths is { } lengths)
            {
                rightNorm += ArgMax(ll.Select((v, k) => v / lengths[k]).ToList()) == item.Gold ? 1 : 0;
            }

            at += item.Requests.Count;
        }

        double? norm = items.All(i => i.NormLengths is not null) ? (double)rightNorm / items.Count : null;
        return ((double)right / items.Count, norm);
    }

    /// <summary>numpy's argmax: the first index of the maximum.</summary>
    public static int ArgMax(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int best = 0;
        for (int i = 1; i < values.Count; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
