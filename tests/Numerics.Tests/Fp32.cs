namespace Shear.Numerics.Tests;

/// <summary>
/// Tolerances derived from fp32 precision, not from one CPU's output. Two fp32 computations of the same quantity
/// that differ only in kernel choice (AVX2 vs AVX-512 reduction widths, batched vs one sequence at a time) agree to a
/// few units in the last place of the values they accumulate, never to a fixed number of decimals: a perplexity of
/// ~836 has an fp32 ulp of 6e-5, finer than 4 decimals can ask.
/// </summary>
public static class Fp32
{
    /// <summary>fp32's machine epsilon, 2^-23.</summary>
    public const double Epsilon = 1.1920928955078125e-7;

    /// <summary>
    /// Asserts |expected - actual| &lt;= ulps x epsilon x scale, where <paramref name="scale"/> is the magnitude of the
    /// fp32 values that were summed to make the number (for a sum of n terms of size s: n x s).
    /// </summary>
    public static void AssertClose(double expected, double actual, double scale, double ulps)
    {
        double bound = ulps * Epsilon * Math.Max(Math.Abs(scale), 1.0);
        Assert.True(Math.Abs(expected - actual) <= bound,
            $"expected {expected:R}, got {actual:R}: differ by {Math.Abs(expected - actual):E3}, more than {ulps} fp32 ulps of {scale:G6} ({bound:E3})");
    }
}
