using Shear.Numerics.Experiment;

namespace Shear.Numerics.Tests.Experiment;

/// <summary>Each vocabulary type reads back its own canonical spelling, and names what it refuses.</summary>
public sealed class VocabularyTests
{
    [Theory]
    [InlineData("wanda", PruningMethod.Wanda, false, "wanda")]
    [InlineData("OWL+Wanda", PruningMethod.Wanda, true, "owl+wanda")]
    [InlineData("SparseGPT", PruningMethod.SparseGpt, false, "sparsegpt")]
    [InlineData("owl+dsnot", PruningMethod.Dsnot, true, "owl+dsnot")]
    public void AMethodChoiceParsesAnySpellingIntoOneName(string text, PruningMethod method, bool owl, string canonical)
    {
        var choice = MethodChoice.Parse(text);
        Assert.Equal(new MethodChoice(method, owl), choice);
        Assert.Equal(canonical, choice.ToString());
        Assert.Equal(choice, MethodChoice.Parse(choice.ToString()));
    }

    [Theory]
    [InlineData("builtin_code", "builtin_code", null, false, "builtin_code")]
    [InlineData("gsm8k@main", "gsm8k", "main", false, "gsm8k@main")]
    [InlineData("ai2_arc@ARC-Easy", "ai2_arc", "ARC-Easy", false, "ai2_arc@ARC-Easy")]
    [InlineData("/data/me@home/mine.jsonl", "/data/me@home/mine.jsonl", null, true, "mine")] // a path is never split at @
    [InlineData("notes.txt", "notes.txt", null, true, "notes")]
    public void ADatasetRefIsANameWithItsConfigOrAFile(string text, string name, string? config, bool file, string label)
    {
        var dataset = DatasetRef.Parse(text);
        Assert.Equal((name, config, file, label), (dataset.Name, dataset.Config, dataset.IsFile, dataset.Label));
        Assert.Equal(text, dataset.ToString());
        Assert.Equal(dataset, DatasetRef.Parse(dataset.ToString()));
    }

    [Theory]
    [InlineData("@main")]
    [InlineData("gsm8k@")]
    [InlineData("gsm8k@..")]
    [InlineData("gsm8k@a@b")]
    [InlineData("  ")]
    public void AMalformedDatasetRefIsRefused(string text) => Assert.Throws<ArgumentException>(() => DatasetRef.Parse(text));

    [Fact]
    public void PatternsExpandOverTheSparsitiesOnlyWhenUnstructured()
    {
        Assert.Equal([SparsityPattern.Unstructured(0.4), SparsityPattern.Unstructured(0.6)], SparsityPattern.AtEach("unstructured", [0.4, 0.6]));
        Assert.Equal([SparsityPattern.NofM(2, 4)], SparsityPattern.AtEach("2:4", [0.4, 0.6]));
        Assert.Equal(["unstructured 0.4", "4:8"], new[] { SparsityPattern.Unstructured(0.4), SparsityPattern.NofM(4, 8) }.Select(p => p.Label));
        Assert.Throws<ArgumentOutOfRangeException>(() => SparsityPattern.AtEach("unstructured", [1.0]));
    }

    [Fact]
    public void DomainsAndDTypesReadBackTheirNames()
    {
        Assert.Equal(["code", "csr", "translation", "math", "ppl"], EvalDomains.Names);
        Assert.All(EvalDomains.All, d => Assert.Equal(d, EvalDomains.Parse(EvalDomains.Name(d).ToUpperInvariant())));
        Assert.Equal("unknown domain 'chess' (known: code, csr, translation, math, ppl)", Assert.Throws<ArgumentException>(() => EvalDomains.Parse("chess")).Message);
        Assert.All(Enum.GetValues<ComputeDType>(), d => Assert.Equal(d, ComputeDTypes.Parse(ComputeDTypes.Name(d))));
        Assert.Equal(KeepMode.Checkpoints, KeepModes.PruneDefault);
        Assert.Equal(KeepMode.Masks, KeepModes.SweepDefault);
    }
}

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
