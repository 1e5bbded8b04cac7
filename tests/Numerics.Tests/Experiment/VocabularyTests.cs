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

    [Theory]
    [InlineData("generated", "generated:builtin_text", "builtin_text", "generated-builtin_text")]
    [InlineData("generated:builtin_code", "generated:builtin_code", "builtin_code", "generated-builtin_code")]
    [InlineData("generated:gsm8k@main", "generated:gsm8k@main", "gsm8k@main", "generated-gsm8k@main")]
    [InlineData("generated:/data/me@home/mine.jsonl", "generated:/data/me@home/mine.jsonl", "/data/me@home/mine.jsonl", "generated-mine")]
    public void GeneratedTextNamesItsSourceAndReadsBackAsItself(string text, string canonical, string source, string label)
    {
        var dataset = DatasetRef.Parse(text);
        Assert.Equal((true, false, canonical, source, label), (dataset.IsGenerated, dataset.IsFile, dataset.ToString(), dataset.Source!.ToString(), dataset.Label));
        Assert.Equal(dataset, DatasetRef.Parse(dataset.ToString()));
        Assert.NotEqual(dataset, DatasetRef.Parse(source));
        Assert.False(DatasetRef.Parse(source).IsGenerated);
    }

    [Theory]
    [InlineData("generated:", "'generated:': expected generated or generated:SOURCE, SOURCE a dataset or a file (e.g. generated:builtin_text)")]
    [InlineData("generated:generated", "'generated:generated:builtin_text': the source of generated calibration is a dataset or a file, not generated text")]
    [InlineData("generated:generated:builtin_code", "'generated:generated:builtin_code': the source of generated calibration is a dataset or a file, not generated text")]
    public void GeneratedTextOfNothingOrOfGeneratedTextIsRefused(string text, string message) =>
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => DatasetRef.Parse(text)).Message);

    [Fact]
    public void AGeneratedPartMixesLikeAnyDataset()
    {
        var set = CalibrationSet.Parse("generated:builtin_code:0.5,builtin_math:0.5");
        Assert.Equal(["generated:builtin_code", "builtin_math"], set.Parts.Select(p => p.Dataset.ToString()));
        Assert.Equal("generated-builtin_code-0.5+builtin_math-0.5", set.FolderLabel);
        Assert.Equal(set, CalibrationSet.Parse(set.ToString()));
        var single = CalibrationSet.Parse("generated");
        Assert.Equal(("generated:builtin_text", "generated-builtin_text", false), (single.ToString(), single.FolderLabel, single.IsMixture));
    }
}
