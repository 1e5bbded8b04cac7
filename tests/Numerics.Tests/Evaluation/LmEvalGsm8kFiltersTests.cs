using Shear.Numerics.Evaluation.MathReasoning;

namespace Shear.Numerics.Tests.Evaluation;

public sealed class LmEvalGsm8kFiltersTests
{
    [Theory]
    [InlineData("5 + 4 = 9. The answer is 9.", "9", "9.")] // [$0-9.,]{2,} takes the final period; exact_match drops it
    [InlineData("She pays $1,200 in total. The answer is 1,200.", "1,200", "1,200.")]
    [InlineData("It costs 12 dollars, so 3 are left", "[invalid]", "3")]
    [InlineData("no numbers", "[invalid]", "[invalid]")]
    // The strict pattern's final '.' matches any character (lm-eval's yaml leaves it unescaped), as Python's re does:
    [InlineData("The answer is 12!", "12", "12")]
    [InlineData("The answer is 5, not 6.", "5,", "6.")] // greedy [0-9.,]+ takes "5,", the any-character takes the space
    [InlineData("The answer is 7", "[invalid]", "7")]    // nothing after the number: no match
    public void StrictNeedsTheTriggerAndFlexibleTakesTheLastNumber(string completion, string strict, string flexible)
    {
        Assert.Equal(strict, LmEvalGsm8kFilters.Strict(completion));
        Assert.Equal(flexible, LmEvalGsm8kFilters.Flexible(completion));
    }

    [Fact]
    public void ExactMatchIgnoresCommasDollarsHashesAndTheFinalPeriod()
    {
        Assert.True(LmEvalGsm8kFilters.ExactMatch("1,200.", "Half of 2400 is <<2400/2=1200>>1200.\n#### 1200"));
        Assert.True(LmEvalGsm8kFilters.ExactMatch("$18", "#### 18"));
        Assert.True(LmEvalGsm8kFilters.ExactMatch("9.", "4 + 5 = 9\n#### 9"));
        Assert.False(LmEvalGsm8kFilters.ExactMatch("18.0", "#### 18"));
    }
}
