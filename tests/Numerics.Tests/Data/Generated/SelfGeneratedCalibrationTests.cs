using Shear.Numerics.Data.Generated;
using Shear.Numerics.Data.Registry;
using Shear.Numerics.Evaluation;
using Shear.Numerics.Experiment;
using Shear.Numerics.Models;
using Shear.Numerics.Tokenization;

namespace Shear.Numerics.Tests.Data.Generated;

/// <summary>Self-generated calibration (arXiv 2410.17711): numpy's percentile, the perplexity filter, and seeded texts from the built-in model.</summary>
public sealed class SelfGeneratedCalibrationTests
{
    private static string Repo => Shear.Tests.Shared.TestRepo.Root;

    private static string Tiny => Path.Combine(Repo, "models", "shear-tiny");

    [Theory]
    [InlineData(80, 42.0)]  // index 4 x 0.8 = 3.2: 40 + (50 - 40) x 0.2
    [InlineData(40, 29.0)]  // index 1.6, t >= 0.5: 35 - (35 - 20) x 0.4
    [InlineData(50, 35.0)]  // the median
    [InlineData(0, 15.0)]
    [InlineData(100, 50.0)]
    public void APercentileInterpolatesLinearlyBetweenRanksAsNumpy(double q, double expected) =>
        Assert.Equal(expected, Percentile.Linear([50.0, 15.0, 40.0, 20.0, 35.0], q), 12);

    [Fact]
    public void ThePerplexityFilterKeepsTextsStrictlyBelowThePercentile()
    {
        var texts = new[] { 50.0, 15.0, 40.0, 20.0, 35.0 }.Select((p, i) => new GeneratedText("", $"p{i}", $"t{i}", 10, p, Kept: true)).ToList();
        var corpus = GeneratedCorpus.Filter("builtin_text", texts, 80);
        Assert.Equal(42.0, corpus.Threshold, 12);
        Assert.Equal(["t1", "t2", "t3", "t4"], corpus.Kept);            // 15, 40, 20, 35 < 42; 50 is not
        Assert.All(corpus.Texts, t => Assert.Equal("builtin_text", t.Source));

        // Equal perplexities: the threshold is that value and nothing is below it (the authors' strict '<').
        var equal = GeneratedCorpus.Filter("s", [.. texts.Select(t => t with { Perplexity = 7 })], 80);
        Assert.Equal((7.0, 0), (equal.Threshold, equal.Kept.Count));
    }

    [Fact]
    public void AnInfinitePerplexityIsNeverKept()
    {
        var texts = new[] { 3.0, double.PositiveInfinity, 5.0, 4.0, 6.0 }.Select((p, i) => new GeneratedText("s", "", $"t{i}", 10, p, false)).ToList();
        // Sorted 3, 4, 5, 6, inf: index 3.2 interpolates 6 and inf, so the threshold is inf (as numpy's) and every finite text is below it.
        var corpus = GeneratedCorpus.Filter("s", texts, 80);
        Assert.Equal(double.PositiveInfinity, corpus.Threshold);
        Assert.Equal(["t0", "t2", "t3", "t4"], corpus.Kept);
    }

    [Fact]
    public void ATextsPerplexityIsTheModelsOwnPerplexityOverItAsOneWindow()
    {
        using var model = CausalLM.Load(Tiny);
        var tokenizer = TokenizerLoader.LoadFor(Tiny, model.Config);
        var ids = tokenizer.Encode("A dog is a domesticated animal. A cat is another one.");
        Assert.Equal(Perplexity.Evaluate(model, ids, ids.Length), SelfGeneratedCalibration.PerplexityOf(model, ids), 4);
        Assert.Equal(double.PositiveInfinity, SelfGeneratedCalibration.PerplexityOf(model, ids[..1]));
    }

    [Fact]
    public void TheSameSeedGivesTheSameTextsFromPrefixesOfTheSourceAndTheFileReadsBackAsWritten()
    {
        using var model = CausalLM.Load(Tiny);
        var tokenizer = TokenizerLoader.LoadFor(Tiny, model.Config);
        var documents = CalibrationSource.Documents(DatasetRef.Parse("builtin_text"), Path.Combine(Repo, "data"));
        var run = new SelfGeneratedCalibration.Run(NSamples: 2, SeqLen: 32, Seed: 3, TokenBudget: 16384);
        var progress = new List<(int, int)>();
        var first = SelfGeneratedCalibration.Generate(model, tokenizer, "builtin_text", documents, run, SelfGenerationSettings.Paper, (d, p) => progress.Add((d, p)));
        var again = SelfGeneratedCalibration.Generate(model, tokenizer, "builtin_text", documents, run, SelfGenerationSettings.Paper);
        Assert.Equal(first.Texts, again.Texts);
        Assert.Equal((7, 7), progress[0]); // ceil(2 / 0.8) + 4 prefixes first, in one batch (16384 / 32 rows, at most 32)
        Assert.Equal(first.Texts.Count, progress[^1].Item1);
        Assert.True(tokenizer.Encode(string.Join(" ", first.Kept)).Length > 2 * 32, "the kept text covers nsamples x seqlen tokens");
        Assert.All(first.Texts, t =>
        {
            Assert.StartsWith(t.Prefix, t.Text, StringComparison.Ordinal);
            Assert.Contains(documents, d => d.StartsWith(t.Prefix, StringComparison.Ordinal));
        });
        Assert.NotEqual(first.Texts.Select(t => t.Text), SelfGeneratedCalibration.Generate(model, tokenizer, "builtin_text", documents, run with { Seed = 4 }, SelfGenerationSettings.Paper).Texts.Select(t => t.Text));

        var dir = Shear.Tests.Shared.TestTemp.NewDir("generated-corpus");
        GeneratedCorpus.Write(dir, [first]);
        var read = GeneratedCorpus.Read(dir, "builtin_text", 80)!;
        Assert.Equal(first.Threshold, read.Threshold);
        Assert.Equal(first.Kept, read.Kept);
        Assert.Equal(first.Texts, read.Texts);
        Assert.Null(GeneratedCorpus.Read(Path.Combine(dir, "none"), "builtin_text", 80));
    }
}
