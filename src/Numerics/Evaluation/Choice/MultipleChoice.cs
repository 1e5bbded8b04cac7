namespace Shear.Numerics.Evaluation.Choice;

/// <summary>A zero-shot multiple-choice item: the context, the continuations to compare, the index of the right one.</summary>
/// <param name="Context">Prompt text.</param>
/// <param name="Choices">Candidate continuations (with their leading space, as lm-eval writes them).</param>
/// <param name="Gold">Index of the correct choice.</param>
public sealed record ChoiceItem(string Context, IReadOnlyList<string> Choices, int Gold);

/// <summary>lm-eval's multiple-choice metrics: <c>acc</c> (argmax of summed log-likelihood) and <c>acc_norm</c> (argmax of log-likelihood per character of the choice).</summary>
public static class MultipleChoice
{
    /// <summary>acc and acc_norm over <paramref name="items"/>.</summary>
    public static (double Acc, double AccNorm) Evaluate(LogLikelihood scorer, IReadOnlyList<ChoiceItem> items)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(items);
        var requests = items.SelectMany(i => i.Choices.Select(c => (i.Context, c))).ToList();
        var scores = scorer.Score(requests);
        int at = 0, right = 0, rightNorm = 0;
        foreach (var item in items)
        {
            var ll = scores.Skip(at).Take(item.Choices.Count).Select(s => s.LogLikelihood).ToList();
            var norm = ll.Select((v, k) => v / item.Choices[k].Length).ToList();
            right += ll.IndexOf(ll.Max()) == item.Gold ? 1 : 0;
            rightNorm += norm.IndexOf(norm.Max()) == item.Gold ? 1 : 0;
            at += item.Choices.Count;
        }

        return ((double)right / items.Count, (double)rightNorm / items.Count);
    }
}
