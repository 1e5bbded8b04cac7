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
        var (acc, accNorm) = Measure(scorer, items, progress);
        return (acc.Value, accNorm?.Value);
    }

    /// <summary>acc and acc_norm (when every item has lengths) with their standard errors and per-item 0/1 outcomes.</summary>
    /// <exception cref="ArgumentException">No items.</exception>
    public static (Measured Acc, Measured? AccNorm) Measure(LogLikelihood scorer, IReadOnlyList<ChoiceItem> items, Action<int, int>? progress = null)
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

        int at = 0;
        var right = new double[items.Count];
        var rightNorm = new double[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var ll = scores.GetRange(at, item.Requests.Count).Select(s => s.LogLikelihood).ToList();
            right[i] = ArgMax(ll) == item.Gold ? 1 : 0;
            if (item.NormLengths is { } lengths)
            {
                rightNorm[i] = ArgMax(ll.Select((v, k) => v / lengths[k]).ToList()) == item.Gold ? 1 : 0;
            }

            at += item.Requests.Count;
        }

        return (Measured.Mean(right), items.All(i => i.NormLengths is not null) ? Measured.Mean(rightNorm) : null);
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
