using Shear.Numerics.Evaluation.MathReasoning;

namespace Shear.Numerics.Tests.Evaluation;

public sealed class Gsm8kPromptTests
{
    [Fact]
    public void ExemplarOrderFollowsCPythonsShuffleSeeded42()
    {
        // python3: random.seed(42); l = list(range(8)); random.shuffle(l) -> [3, 4, 6, 7, 2, 5, 0, 1], then [3, 7, 2, 0, 4, 6, 5, 1]
        var prompt = new Gsm8kPrompt();
        Assert.Equal([3, 4, 6, 7, 2, 5, 0, 1], prompt.NextOrder());
        Assert.Equal([3, 7, 2, 0, 4, 6, 5, 1], prompt.NextOrder());
    }

    [Fact]
    public void PromptHasEightExemplarsAndEndsWithTheQuestion()
    {
        var text = new Gsm8kPrompt().Build("How many legs do 3 cats have?");
        Assert.StartsWith("Q: Jason had 20 lollipops.", text, StringComparison.Ordinal); // exemplar 3 comes first
        Assert.Contains("So he gave Denny 20 - 12 = 8. The answer is 8.\n\nQ: Shawn", text, StringComparison.Ordinal);
        Assert.Equal(8, text.Split("The answer is").Length - 1);
        Assert.EndsWith("\n\nQ: How many legs do 3 cats have?\nA:", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(" 3 cats with 4 legs each: 3 * 4 = 12. The answer is 12.", "12")]
    [InlineData(" First 5 + 4 = 9 then 9 - 2 = 7 apples", "7")]
    [InlineData(" The answer is 1,234.5. Then 99.", "1234.5")]
    [InlineData(" THE ANSWER IS -3 and later 8", "-3")]
    [InlineData(" no digits here", "[invalid]")]
    public void CleanAnswerReadsAfterTheTriggerElseTheLastNumber(string completion, string expected)
    {
        Assert.Equal(expected, Gsm8kPrompt.CleanAnswer(completion));
    }

    [Fact]
    public void GoldComesAfterTheHashesAndComparisonIsByString()
    {
        Assert.Equal("1234", Gsm8kPrompt.GoldAnswer("She has 1,000 + 234 = <<1000+234=1234>>1,234 coins.\n#### 1,234"));
        Assert.True(Gsm8kPrompt.IsCorrect("The answer is 18.", "... \n#### 18"));
        Assert.False(Gsm8kPrompt.IsCorrect("The answer is 18.0", "... \n#### 18"));
    }
}
