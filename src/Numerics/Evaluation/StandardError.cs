namespace Shear.Numerics.Evaluation;

/// <summary>A measured value and its standard error (null where it has none: fewer than two items).</summary>
/// <param name="Value">The value.</param>
/// <param name="StdErr">Its standard error.</param>
public readonly record struct Estimate(double Value, double? StdErr);

/// <summary>A benchmark's value, its standard error and the per-item values it is the mean of (so that two models scored on the same items can be compared item by item).</summary>
/// <param name="Value">The value.</param>
/// <param name="StdErr">Its standard error.</param>
/// <param name="PerItem">Per item: 0/1 for accuracies, METEOR per sentence, pass@k per problem; for perplexity each window's mean NLL.</param>
public sealed record Measured(double Value, double? StdErr, double[] PerItem)
{
    /// <summary>The mean of <paramref name="perItem"/> and its standard error (0 with none for no items).</summary>
    public static Measured Mean(double[] perItem)
    {
        ArgumentNullException.ThrowIfNull(perItem);
        return new Measured(perItem.Length == 0 ? 0 : perItem.Average(), StandardError.OfMean(perItem), perItem);
    }
}

/// <summary>
/// Standard errors as lm-eval computes them (<c>lm_eval.api.metrics.mean_stderr</c>: the sample standard deviation,
/// n - 1 in the denominator, over sqrt(n)). For 0/1 items (accuracy, exact match) that is the binomial
/// sqrt(p (1 - p) / (n - 1)); METEOR and pass@k take it over the per-item values; perplexity, exp of the mean window
/// NLL, takes it over the per-window mean NLLs and carries it through exp by the delta method (SE(ppl) = ppl x SE(nll)).
/// </summary>
public static class StandardError
{
    /// <summary>Standard error of the mean of <paramref name="values"/>; null for fewer than two.</summary>
    public static double? OfMean(IReadOnlyCollection<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int n = values.Count;
        if (n < 2)
        {
            return null;
        }

        double mean = values.Average();
        double squares = values.Sum(v => (v - mean) * (v - mean));
        return Math.Sqrt(squares / (n - 1)) / Math.Sqrt(n);
    }

    /// <summary>Standard error of an accuracy <paramref name="p"/> over <paramref name="n"/> 0/1 items (equals <see cref="OfMean"/> over them).</summary>
    public static double? Binomial(double p, int n) => n < 2 ? null : Math.Sqrt(p * (1 - p) / (n - 1));

    /// <summary>Standard error of exp(mean of <paramref name="windowNlls"/>) (the delta method).</summary>
    public static double? OfPerplexity(IReadOnlyCollection<double> windowNlls)
    {
        ArgumentNullException.ThrowIfNull(windowNlls);
        return OfMean(windowNlls) is { } se ? Math.Exp(windowNlls.Average()) * se : null;
    }

    /// <summary>Standard error of the average of independent estimates (a domain score over its benchmarks); null if any has none.</summary>
    public static double? OfAverage(IReadOnlyCollection<double?> stdErrs)
    {
        ArgumentNullException.ThrowIfNull(stdErrs);
        return stdErrs.Count == 0 || stdErrs.Any(s => s is null) ? null : Math.Sqrt(stdErrs.Sum(s => s!.Value * s.Value)) / stdErrs.Count;
    }

    /// <summary>
    /// Whether <paramref name="a"/> and <paramref name="b"/>, measured on different items, differ by more than twice
    /// the standard error of their difference, sqrt(SE_a^2 + SE_b^2) (a missing standard error counts as 0).
    /// </summary>
    public static bool Separated(Estimate a, Estimate b)
    {
        double se = Math.Sqrt(Square(a.StdErr ?? 0) + Square(b.StdErr ?? 0));
        return Math.Abs(a.Value - b.Value) > 2 * se;

        static double Square(double x) => x * x;
    }

    /// <summary>
    /// The mean difference of two models scored on the same items (averaged over benchmarks, each given as the
    /// per-item values of both) and its standard error: per benchmark the standard error of the mean per-item
    /// difference, combined as <see cref="OfAverage"/>. Null when the benchmarks do not pair up item for item.
    /// </summary>
    public static Estimate? PairedDifference(IReadOnlyList<double[]> a, IReadOnlyList<double[]> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count == 0 || a.Count != b.Count || a.Zip(b).Any(p => p.First.Length != p.Second.Length || p.First.Length == 0))
        {
            return null;
        }

        var differences = a.Zip(b, (x, y) => x.Zip(y, (u, v) => u - v).ToArray()).ToList();
        return new Estimate(differences.Average(d => d.Average()), OfAverage(differences.Select(d => OfMean(d) ?? 0).Select(v => (double?)v).ToList()));
    }
}
