namespace Shear.Numerics.Data.Generated;

/// <summary>numpy's <c>np.percentile(a, q)</c> with its default <c>method="linear"</c> (Hyndman and Fan's type 7).</summary>
public static class Percentile
{
    /// <summary>
    /// The <paramref name="q"/>-th percentile of <paramref name="values"/>: sorted ascending, the virtual index
    /// <c>(n - 1) x q / 100</c> falls between ranks <c>i = floor</c> and <c>i + 1</c>, and the value is interpolated between
    /// them by the fraction <c>t</c> as numpy's <c>_lerp</c> does (<c>a + (b - a) t</c>, or <c>b - (b - a)(1 - t)</c> when
    /// t >= 0.5, the same bits as numpy).
    /// </summary>
    /// <exception cref="ArgumentException">No values, a NaN among them, or q outside [0, 100].</exception>
    public static double Linear(IReadOnlyCollection<double> values, double q)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0 || values.Any(double.IsNaN))
        {
            throw new ArgumentException($"a percentile needs values without NaN, got {values.Count} values", nameof(values));
        }

        if (q is not (>= 0 and <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "a percentile is between 0 and 100");
        }

        var sorted = values.Order().ToArray();
        double index = (sorted.Length - 1) * (q / 100); // numpy: q / 100, then (n - 1) * quantile
        int below = (int)Math.Floor(index);
        int above = Math.Min(below + 1, sorted.Length - 1);
        double t = index - below;
        double a = sorted[below], b = sorted[above], diff = b - a;
        return t >= 0.5 ? b - (diff * (1 - t)) : a + (diff * t);
    }
}
