using Shear.Numerics.Evaluation;

namespace Shear.Numerics.Tests.Evaluation;

public sealed class StandardErrorTests
{
    [Fact]
    public void OfMeanIsTheSampleStandardDeviationOverRootN()
    {
        // 1, 2, 3, 4: mean 2.5, squared deviations 5, variance 5/3, sd 1.290994, over sqrt(4).
        Assert.Equal(0.6454972243679028, StandardError.OfMean([1, 2, 3, 4])!.Value, 12);
        Assert.Null(StandardError.OfMean([0.7]));
        Assert.Null(StandardError.OfMean([]));
    }

    [Fact]
    public void BinomialEqualsLmEvalsMeanStderrOverZeroOneItems()
    {
        // lm-eval's mean_stderr over 7 ones and 13 zeros: sqrt(p (1 - p) / (n - 1)) with p = 0.35, n = 20.
        double[] items = [.. Enumerable.Repeat(1.0, 7), .. Enumerable.Repeat(0.0, 13)];
        Assert.Equal(Math.Sqrt(0.35 * 0.65 / 19), StandardError.Binomial(0.35, 20)!.Value, 12);
        Assert.Equal(StandardError.OfMean(items)!.Value, StandardError.Binomial(0.35, 20)!.Value, 12);
        Assert.Equal(0.0, StandardError.Binomial(1.0, 20)!.Value);
        Assert.Null(StandardError.Binomial(1.0, 1));
    }

    [Fact]
    public void PerplexityCarriesTheWindowLossesThroughExp()
    {
        // Losses 1 and 3: mean 2, sd sqrt(2), SE 1; ppl exp(2) = 7.389056, its SE exp(2) x 1.
        Assert.Equal(Math.Exp(2), StandardError.OfPerplexity([1, 3])!.Value, 12);
        Assert.Equal(0.0, StandardError.OfPerplexity([2, 2, 2])!.Value);
    }

    [Fact]
    public void ADomainScoreAveragesIndependentBenchmarks()
    {
        // (a + b) / 2 with SEs 0.3 and 0.4: sqrt(0.09 + 0.16) / 2 = 0.25; unknown when one has none.
        Assert.Equal(0.25, StandardError.OfAverage([0.3, 0.4])!.Value, 12);
        Assert.Null(StandardError.OfAverage([0.3, null]));
        var domains = LocalEvalJob.DomainEstimates([
            new("csr", "arc_easy", "acc", 0.6, 100, 0.3), new("csr", "arc_easy", "acc_norm", 0.9, 100, 0.1), new("csr", "boolq", "acc", 0.4, 100, 0.4)]);
        Assert.Equal(new Estimate(0.5, 0.25), domains["csr"]); // acc_norm is not acc
    }

    [Fact]
    public void SeparatedMeansMoreThanTwiceTheStandardErrorOfTheDifference()
    {
        // SE of the difference sqrt(1 + 1) = 1.414; twice it 2.828.
        Assert.True(StandardError.Separated(new(10, 1), new(13, 1)));
        Assert.False(StandardError.Separated(new(10, 1), new(12.5, 1)));
        Assert.True(StandardError.Separated(new(10, null), new(10.5, null))); // no standard errors: any difference counts
        Assert.False(StandardError.Separated(new(10, null), new(10, null)));
    }

    [Fact]
    public void PairedDifferencesAreTakenItemByItem()
    {
        // Differences 1, 0, 0, -1: mean 0, sd sqrt(2/3), SE sqrt(2/3)/2 = 0.408248.
        var d = StandardError.PairedDifference([[1, 2, 3, 4]], [[0, 2, 3, 5]])!.Value;
        Assert.Equal(0, d.Value, 12);
        Assert.Equal(Math.Sqrt(2.0 / 3) / 2, d.StdErr!.Value, 12);

        // A constant difference has no spread; two benchmarks average (0.5 and 0.25) with SEs combined as OfAverage.
        Assert.Equal(new Estimate(0.5, 0), StandardError.PairedDifference([[1, 2, 3]], [[0.5, 1.5, 2.5]]));
        var two = StandardError.PairedDifference([[1, 2, 3], [1, 1]], [[0.5, 1.5, 2.5], [0.75, 0.75]])!.Value;
        Assert.Equal(0.375, two.Value, 12);
        Assert.Equal(0, two.StdErr!.Value, 12);

        // Items that do not pair up: no paired difference.
        Assert.Null(StandardError.PairedDifference([[1, 2]], [[1, 2, 3]]));
        Assert.Null(StandardError.PairedDifference([[1, 2]], [[1, 2], [3, 4]]));
    }
}
