using Shear.Numerics.Evaluation;

namespace Shear.Numerics.Tests.Evaluation;

/// <summary>Python's round and str.lower, against values CPython 3.11 printed (Debian 12's python3).</summary>
public sealed class PythonTextTests
{
    [Theory]
    [InlineData(0.12625, 0.1263)] // .NET's Math.Round(x, 4, ToEven) gives 0.1262: it rounds the scaled 1262.5
    [InlineData(1.00005, 1.0001)]
    [InlineData(0.00015, 0.0001)]
    [InlineData(0.33335, 0.3333)]
    [InlineData(0.12345, 0.1235)]
    [InlineData(2.675, 2.675)]
    [InlineData(0.5, 0.5)]
    [InlineData(-0.12625, -0.1263)]
    public void RoundIsPythonsRoundOnTheExactBinaryValue(double x, double expected) => Assert.Equal(expected, PythonText.Round(x, 4));

    [Theory]
    [InlineData("ΟΔΟΣ", "οδος")]           // final sigma
    [InlineData("ΟΔΟΣ.", "οδος.")]
    [InlineData("ΣΑ", "σα")]
    [InlineData("A Σ", "a σ")]             // no cased letter before it: not final
    [InlineData("ΟΔΟΣ'Α", "οδοσ'α")]        // a cased letter after the apostrophe: not final
    [InlineData("İstanbul", "i\u0307stanbul")] // full mapping: two characters
    [InlineData("Straße", "straße")]
    [InlineData("ǅ", "ǆ")]
    public void LowerIsPythonsFullCaseMapping(string text, string expected) => Assert.Equal(expected, PythonText.Lower(text));
}
