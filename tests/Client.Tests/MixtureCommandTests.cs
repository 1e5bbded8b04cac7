using System.Text.Json;

namespace Shear.Client.Tests;

/// <summary><c>shear prune --calibration</c> with a mixture of calibration sets: parts drawn and named, seeded, refused when bad.</summary>
public sealed class MixtureCommandTests
{
    private static string Model => Path.Combine(AppContext.BaseDirectory, "Fixtures", "models", "llama");

    private static string Data => Path.Combine(Shear.Tests.Shared.TestRepo.Root, "data");

    private static (int Code, string Out, string Err) Prune(string output, string calibration, params string[] extra) =>
        Cli.Shear(["prune", "--model", Model, "--calibration", calibration, "--data-dir", Data, "--nsamples", "10", "--seqlen", "32", "--out", output, .. extra]);

    [Fact]
    public void AMixtureDrawsEachPartsShareNamesThePartsAndTheSameSeedGivesTheSameMasks()
    {
        var dir = Cli.NewDir();
        var (code, _, err) = Prune(Path.Combine(dir, "a"), "builtin_code:0.5,builtin_math:0.25,builtin_text:0.25");
        Assert.True(code == 0, err);
        using (var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "a", "pruning.json"))))
        {
            var calibration = report.RootElement.GetProperty("calibration");
            Assert.Equal("builtin_code:0.5,builtin_math:0.25,builtin_text:0.25", calibration.GetProperty("dataset").GetString());
            var parts = calibration.GetProperty("parts").EnumerateArray().ToList();
            // 10 samples: 5, 2.5, 2.5 -> 5, 3, 2 (largest remainders, the earlier-listed tie first).
            Assert.Equal([("builtin_code", 5), ("builtin_math", 3), ("builtin_text", 2)], parts.Select(p => (p.GetProperty("dataset").GetString()!, p.GetProperty("nsamples").GetInt32())));
            Assert.Equal(calibration.GetProperty("tokens").GetInt64(), parts.Sum(p => p.GetProperty("tokens").GetInt64()));
            Assert.All(parts, p => Assert.True(p.GetProperty("tokens").GetInt64() > 0));
        }

        (code, _, err) = Prune(Path.Combine(dir, "b"), "builtin_code:0.5,builtin_math:0.25,builtin_text:0.25");
        Assert.True(code == 0, err);
        var masks = Directory.GetFiles(Path.Combine(dir, "a", "masks")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(masks);
        Assert.All(masks, m => Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "a", "masks", m!)), File.ReadAllBytes(Path.Combine(dir, "b", "masks", m!))));

        // Another mixture of the same sets gives other masks (the parts are really drawn).
        (code, _, err) = Prune(Path.Combine(dir, "c"), "builtin_code:2,builtin_math:2,builtin_text:6");
        Assert.True(code == 0, err);
        Assert.Contains(masks, m => !File.ReadAllBytes(Path.Combine(dir, "a", "masks", m!)).SequenceEqual(File.ReadAllBytes(Path.Combine(dir, "c", "masks", m!))));
    }

    [Theory]
    [InlineData("builtin_code:0.5,builtin_math:0.4", "error: calibration mixture 'builtin_code:0.5,builtin_math:0.4': the shares sum to 0.9, not 1")]
    [InlineData("builtin_code:0.5,nosuchset:0.5", "error: nosuchset: unknown dataset")]
    [InlineData("builtin_code:0.5,builtin_code:0.5", "error: calibration mixture 'builtin_code:0.5,builtin_code:0.5': builtin_code is listed twice")]
    [InlineData("builtin_code:0,builtin_math:10", "error: calibration mixture 'builtin_code:0,builtin_math:10': builtin_code has count 0; counts must be positive")]
    [InlineData("builtin_code:-0.5,builtin_math:1.5", "error: calibration mixture 'builtin_code:-0.5,builtin_math:1.5': builtin_code has share -0.5; shares must be positive")]
    [InlineData("builtin_code:6,builtin_math:6", "error: calibration mixture builtin_code:6,builtin_math:6: its counts sum to 12, not nsamples 10")]
    [InlineData("builtin_code:0.04,builtin_math:0.96", "error: calibration mixture builtin_code:0.04,builtin_math:0.96: builtin_code gets no sample of nsamples 10 (more parts than samples, or a share below 1/nsamples)")]
    public void ABadMixtureIsOneLineExitTwoAndWritesNothing(string calibration, string expected)
    {
        var dir = Cli.NewDir();
        var (code, _, err) = Prune(Path.Combine(dir, "out"), calibration);
        Assert.Equal(2, code);
        Assert.StartsWith(expected, err.TrimEnd('\n'), StringComparison.Ordinal);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }
}
