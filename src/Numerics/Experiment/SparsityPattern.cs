using System.Globalization;

namespace Shear.Numerics.Experiment;

/// <summary>
/// Which weights may be pruned together: <c>unstructured</c> at a ratio (each output row, or the whole matrix for
/// magnitude, loses that fraction), or <c>N:M</c> (N of every M consecutive input weights of a row, e.g. 2:4).
/// </summary>
public sealed record SparsityPattern
{
    private SparsityPattern(double ratio, int n, int m) => (Ratio, N, M) = (ratio, n, m);

    /// <summary>Fraction of weights pruned.</summary>
    public double Ratio { get; }

    /// <summary>N of N:M, or 0 for unstructured.</summary>
    public int N { get; }

    /// <summary>M of N:M, or 0 for unstructured.</summary>
    public int M { get; }

    /// <summary>True for N:M patterns.</summary>
    public bool IsNofM => M > 0;

    /// <summary>Unstructured pruning at <paramref name="ratio"/> in (0, 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The ratio is not strictly between 0 and 1.</exception>
    public static SparsityPattern Unstructured(double ratio)
    {
        if (!(ratio > 0 && ratio < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ratio), ratio, $"sparsity must be strictly between 0 and 1, got {ratio.ToString(CultureInfo.InvariantCulture)}");
        }

        return new SparsityPattern(ratio, 0, 0);
    }

    /// <summary>N:M pruning (N of every M consecutive input weights).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not 0 &lt; n &lt; m.</exception>
    public static SparsityPattern NofM(int n, int m)
    {
        if (n <= 0 || m <= 0 || n >= m)
        {
            throw new ArgumentOutOfRangeException(nameof(n), $"N:M pattern needs 0 < n < m, got {n}:{m}");
        }

        return new SparsityPattern((double)n / m, n, m);
    }

    /// <summary>
    /// Parses <paramref name="pattern"/> (<c>unstructured</c>, or <c>n:m</c> such as <c>2:4</c>) with the requested
    /// <paramref name="sparsity"/>; for N:M the sparsity, when given, must equal n/m.
    /// </summary>
    /// <exception cref="ArgumentException">Malformed pattern, or a sparsity that disagrees with it (message names both).</exception>
    public static SparsityPattern Parse(string pattern, double? sparsity)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var p = pattern.Trim().ToLowerInvariant();
        if (p is "unstructured" or "")
        {
            return Unstructured(sparsity ?? 0.5);
        }

        var parts = p.Split(':');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int m))
        {
            throw new ArgumentException($"pattern '{pattern}' is neither 'unstructured' nor N:M such as 2:4", nameof(pattern));
        }

        var result = NofM(n, m);
        if (sparsity is { } s && Math.Abs(s - result.Ratio) > 1e-9)
        {
            throw new ArgumentException(
                $"sparsity {s.ToString(CultureInfo.InvariantCulture)} does not match pattern {n}:{m} (which prunes {result.Ratio.ToString(CultureInfo.InvariantCulture)})", nameof(sparsity));
        }

        return result;
    }

    /// <summary>The patterns a sweep prunes with for one pattern text: an N:M pattern once (it fixes its sparsity), <c>unstructured</c> at each of <paramref name="sparsities"/>.</summary>
    /// <exception cref="ArgumentException">A malformed pattern, or a sparsity not strictly between 0 and 1.</exception>
    public static IReadOnlyList<SparsityPattern> AtEach(string pattern, IReadOnlyList<double> sparsities)
    {
        ArgumentNullException.ThrowIfNull(sparsities);
        var shape = Parse(pattern, null);
        return shape.IsNofM ? [shape] : [.. sparsities.Select(Unstructured)];
    }

    /// <summary>Checks the pattern fits a matrix of <paramref name="inFeatures"/> columns.</summary>
    /// <exception cref="ArgumentException">M does not divide the input width.</exception>
    public void Validate(long inFeatures, string matrix)
    {
        if (IsNofM && inFeatures % M != 0)
        {
            throw new ArgumentException($"{matrix}: input width {inFeatures} is not a multiple of M={M} for pattern {N}:{M}");
        }
    }

    /// <summary>The pattern with its ratio, for people: <c>2:4</c>, <c>unstructured 0.6</c>.</summary>
    public string Label => IsNofM ? ToString() : string.Create(CultureInfo.InvariantCulture, $"unstructured {Ratio}");

    /// <inheritdoc />
    public override string ToString() => IsNofM ? $"{N}:{M}" : "unstructured";
}
