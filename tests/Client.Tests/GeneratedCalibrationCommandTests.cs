using System.Globalization;
using System.Text.Json;

namespace Shear.Client.Tests;

/// <summary><c>shear prune --calibration generated</c> on the built-in model: seeded texts kept beside the output and counted in pruning.json.</summary>
public sealed class GeneratedCalibrationCommandTests
{
    private static string Repo => Shear.Tests.Shared.TestRepo.Root;

    private static (int Code, string Out, string Err) Prune(string output, string calibration, long seed = 0) =>
        Cli.Shear("prune", "--model", Path.Combine(Repo, "models", "shear-tiny"), "--calibration", calibration, "--data-dir", Path.Combine(Repo, "data"),
            "--nsamples", "4", "--seqlen", "64", "--seed", seed.ToString(CultureInfo.InvariantCulture), "--out", output);

    [Fact]
    public void GeneratedCalibrationKeepsItsTextsBesideTheOutputAndTheSameSeedGivesTheSameMasks()
    {
        var dir = Cli.NewDir();
        var (code, stdout, err) = Prune(Path.Combine(dir, "a"), "generated");
        Assert.True(code == 0, err);
        Assert.Contains("generated calibration: ", stdout, StringComparison.Ordinal);

        var lines = File.ReadAllLines(Path.Combine(dir, "a", "calibration", "generated.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "a", "pruning.json")));
        var calibration = report.RootElement.GetProperty("calibration");
        Assert.Equal("generated:builtin_text", calibration.GetProperty("dataset").GetString());
        Assert.Equal((4, 4L * 64), (calibration.GetProperty("nsamples").GetInt32(), calibration.GetProperty("tokens").GetInt64()));
        var generation = calibration.GetProperty("parts")[0].GetProperty("generation");
        double threshold = generation.GetProperty("perplexity_threshold").GetDouble();
        Assert.Equal(lines.Count, generation.GetProperty("prefixes").GetInt32());
        Assert.True(lines.Count >= 9, $"{lines.Count} texts; ceil(4 / 0.8) + 4 = 9 at least");
        int below = lines.Count(l => l.GetProperty("perplexity").GetDouble() < threshold);
        Assert.Equal(below, generation.GetProperty("kept").GetInt32());
        Assert.Equal(below, lines.Count(l => l.GetProperty("kept").GetBoolean()));
        Assert.All(lines, l => Assert.Equal(l.GetProperty("perplexity").GetDouble() < threshold, l.GetProperty("kept").GetBoolean()));
        Assert.All(lines, l => Assert.StartsWith(l.GetProperty("prefix").GetString()!, l.GetProperty("text").GetString()!, StringComparison.Ordinal));
        Assert.InRange(below, 1, lines.Count - 1);
        var settings = generation.GetProperty("settings");
        Assert.Equal((0.6, 50, 0.95, 1.2, 80.0), (settings.GetProperty("temperature").GetDouble(), settings.GetProperty("top_k").GetInt32(),
            settings.GetProperty("top_p").GetDouble(), settings.GetProperty("repetition_penalty").GetDouble(), settings.GetProperty("keep_below_percentile").GetDouble()));

        (code, _, err) = Prune(Path.Combine(dir, "b"), "generated:builtin_text");
        Assert.True(code == 0, err);
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "a", "calibration", "generated.jsonl")), File.ReadAllBytes(Path.Combine(dir, "b", "calibration", "generated.jsonl")));
        var masks = Directory.GetFiles(Path.Combine(dir, "a", "masks")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(masks);
        Assert.All(masks, m => Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "a", "masks", m!)), File.ReadAllBytes(Path.Combine(dir, "b", "masks", m!))));

        // Another seed gives other texts and other masks.
        (code, _, err) = Prune(Path.Combine(dir, "c"), "generated", seed: 1);
        Assert.True(code == 0, err);
        Assert.NotEqual(File.ReadAllText(Path.Combine(dir, "a", "calibration", "generated.jsonl")), File.ReadAllText(Path.Combine(dir, "c", "calibration", "generated.jsonl")));
        Assert.Contains(masks, m => !File.ReadAllBytes(Path.Combine(dir, "a", "masks", m!)).SequenceEqual(File.ReadAllBytes(Path.Combine(dir, "c", "masks", m!))));
    }

    [Fact]
    public void AGeneratedPartOfAMixtureIsDrawnAndNamed()
    {
        var dir = Cli.NewDir();
        var (code, _, err) = Prune(Path.Combine(dir, "mix"), "generated:builtin_code:0.5,builtin_math:0.5");
        Assert.True(code == 0, err);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "mix", "pruning.json")));
        var parts = report.RootElement.GetProperty("calibration").GetProperty("parts").EnumerateArray().ToList();
        Assert.Equal([("generated:builtin_code", 2), ("builtin_math", 2)], parts.Select(p => (p.GetProperty("dataset").GetString()!, p.GetProperty("nsamples").GetInt32())));
        Assert.Equal("builtin_code", parts[0].GetProperty("generation").GetProperty("source").GetString());
        Assert.False(parts[1].TryGetProperty("generation", out _));
        Assert.All(File.ReadAllLines(Path.Combine(dir, "mix", "calibration", "generated.jsonl")), l => Assert.Equal("builtin_code", JsonDocument.Parse(l).RootElement.GetProperty("source").GetString()));
    }
}
