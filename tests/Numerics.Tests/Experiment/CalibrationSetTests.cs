using Shear.Numerics.Experiment;

namespace Shear.Numerics.Tests.Experiment;

/// <summary>Calibration sets and mixtures: parsing, the largest-remainder counts, and what is refused.</summary>
public sealed class CalibrationSetTests
{
    [Theory]
    [InlineData("builtin_code:0.5,builtin_math:0.25,builtin_text:0.25", 128, new[] { 64, 32, 32 })]
    [InlineData("builtin_code:0.5,builtin_math:0.25,builtin_text:0.25", 10, new[] { 5, 3, 2 })]    // 5, 2.5, 2.5: the earlier-listed tie gets the last sample
    [InlineData("a:0.34,b:0.33,c:0.33", 32, new[] { 11, 11, 10 })]                                  // 10.88, 10.56, 10.56
    [InlineData("a:0.7,b:0.2,c:0.1", 7, new[] { 5, 1, 1 })]                                          // 4.9, 1.4, 0.7: remainders .9, .7, .4
    [InlineData("builtin_code:64,builtin_math:64", 128, new[] { 64, 64 })]
    [InlineData("builtin_code", 128, new[] { 128 })]
    public void SharesBecomeCountsByLargestRemainders(string text, int nsamples, int[] counts)
    {
        var set = CalibrationSet.Parse(text);
        Assert.Equal(counts, set.Counts(nsamples));
        Assert.Equal(nsamples, set.Counts(nsamples).Sum());
        Assert.Equal(set, CalibrationSet.Parse(set.ToString()));
    }

    [Fact]
    public void AMixtureNamesItsPartsAndFilesStayWhole()
    {
        var mix = CalibrationSet.Parse(" builtin_code:0.5, gsm8k@main:0.5 ");
        Assert.True(mix.IsMixture);
        Assert.Equal(["builtin_code", "gsm8k@main"], mix.Parts.Select(p => p.Dataset.ToString()));
        Assert.Equal("builtin_code:0.5,gsm8k@main:0.5", mix.ToString());
        Assert.Equal("builtin_code-0.5+gsm8k-main-0.5", mix.FolderLabel);
        Assert.False(CalibrationSet.Parse("/data/a:b.jsonl").IsMixture); // a path may hold ':'
        Assert.Equal("mine", CalibrationSet.Parse("/data/mine.jsonl").Label);
    }

    [Theory]
    [InlineData("builtin_code:0.5,builtin_math:0.4", "the shares sum to 0.9, not 1")]
    [InlineData("builtin_code:0.5,builtin_code:0.5", "builtin_code is listed twice")]
    [InlineData("builtin_code:-0.5,builtin_math:1.5", "builtin_code has share -0.5; shares must be positive")]
    [InlineData("builtin_code:0,builtin_math:1", "builtin_code has count 0; counts must be positive")]
    [InlineData("builtin_code:0.5,builtin_math:64", "give every part a share (0.5) or every part a count (64), not both")]
    [InlineData("builtin_code:half,builtin_math:0.5", "builtin_code has 'half', neither a share (0.25) nor a count (64)")]
    [InlineData("builtin_code,builtin_math:0.5", "part 'builtin_code' is not NAME:SHARE or NAME:COUNT")]
    public void ABadMixtureIsNamed(string text, string reason) =>
        Assert.Equal($"calibration mixture '{text}': {reason}", Assert.Throws<ArgumentException>(() => CalibrationSet.Parse(text)).Message);

    [Theory]
    [InlineData("a:0.25,b:0.25,c:0.25,d:0.25", 3, "calibration mixture a:0.25,b:0.25,c:0.25,d:0.25: d gets no sample of nsamples 3 (more parts than samples, or a share below 1/nsamples)")]
    [InlineData("a:64,b:32", 128, "calibration mixture a:64,b:32: its counts sum to 96, not nsamples 128")]
    public void CountsThatCannotBeDrawnAreNamed(string text, int nsamples, string message) =>
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => CalibrationSet.Parse(text).Counts(nsamples)).Message);
}
