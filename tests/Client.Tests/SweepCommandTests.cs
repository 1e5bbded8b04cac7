using System.Diagnostics;

namespace Shear.Client.Tests;

public sealed class SweepCommandTests
{
    private static (int Code, string Out, string Err) Shear(params string[] args) => Cli.Shear(args);

    private static string File(string yaml)
    {
        var dir = global::Shear.Tests.Shared.TestTemp.NewDir("shear-client-tests");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "sweep.yaml");
        System.IO.File.WriteAllText(path, yaml);
        return path;
    }

    private const string Good = "models: [models/shear-tiny]\ncalibrations: [builtin_code, builtin_math]\nmethods: [wanda]\npatterns: [unstructured, \"2:4\"]\nsparsity: 0.5\ndomains: [csr, ppl]\n";

    public static TheoryData<string, string> BadFiles() => new()
    {
        { Good + "learning_rate: 3\n", ":7: unknown field 'learning_rate' (known: models, calibrations, methods, patterns, sparsity, domains, nsamples, seqlen, seed, eval_limit, output, data, code_samples, translation_samples, code_max_tokens, translation_max_tokens, shards, token_budget, keep, dtype, one_at_a_time, ria_exponent, dsnot_cycles, dsnot_threshold, dsnot_skip, dsnot_initial, owl_m, owl_lambda, sparsegpt_blocksize, sparsegpt_damp)" },
        { Good + "keep: everything\n", ":7: keep: everything: expected masks or checkpoints" },
        { Good.Replace("calibrations: [builtin_code, builtin_math]", "calibrations: [builtin_code:0.5,builtin_math:0.5]", StringComparison.Ordinal), ":2: calibrations: calibration mixture 'builtin_code:0.5': the shares sum to 0.5, not 1 (in a YAML list, quote a mixture" },
        { Good + "dtype: fp8\n", ":7: dtype: fp8: expected fp32, bf16 or fp16" },
        { Good.Replace("builtin_math", "nosuchset", StringComparison.Ordinal), ":2: calibrations: nosuchset: unknown dataset (known: " },
        { Good.Replace("[wanda]", "[wanda, pruneit]", StringComparison.Ordinal), ":3: methods: unknown pruning method 'pruneit' (use magnitude, wanda, wanda-variant, sparsegpt, ria, dsnot)" },
        { Good.Replace("\"2:4\"", "\"3:2\"", StringComparison.Ordinal), ":4: patterns: N:M pattern needs 0 < n < m, got 3:2" },
        { Good.Replace("[csr, ppl]", "[csr, poetry]", StringComparison.Ordinal), ":6: domains: unknown domain 'poetry' (known: code, csr, translation, math, ppl)" },
        { Good + "nsamples: lots\n", ":7: nsamples: expected a whole number, got 'lots'" },
        { "models: [a\n", ": not valid YAML" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void BadSweepFilesAreRejectedBeforeSubmissionWithFileAndLine(string yaml, string expected)
    {
        var path = File(yaml);
        // --gateway points nowhere: a connection attempt would fail differently; the file is checked first.
        var (code, _, err) = Shear("sweep", "submit", path, "--gateway", "127.0.0.1:1");
        Assert.Equal(2, code);
        Assert.StartsWith($"error: {path}", err, StringComparison.Ordinal);
        Assert.Contains(expected, err, StringComparison.Ordinal);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void AQuotedMixtureIsOneCalibrationEntry()
    {
        var spec = Sweeps.SweepFile.Read(File(Good.Replace("calibrations: [builtin_code, builtin_math]", "calibrations: [\"builtin_code:0.5, builtin_math:0.5\", builtin_text]", StringComparison.Ordinal)));
        Assert.Equal(["builtin_code:0.5,builtin_math:0.5", "builtin_text"], spec.Calibrations.Select(c => c.ToString()));
        Assert.True(spec.Calibrations[0].IsMixture);
    }

    [Fact]
    public void AGoodFileIsReadIntoCanonicalSpellingsAndAnEmptyDomainListMeansPruneOnly()
    {
        var spec = Sweeps.SweepFile.Read(File(Good.Replace("[wanda]", "[Wanda, RIA]", StringComparison.Ordinal).Replace("[csr, ppl]", "[]", StringComparison.Ordinal)));
        Assert.Equal(["wanda", "ria"], spec.Methods.Select(m => m.ToString()));
        Assert.Equal(["unstructured 0.5", "2:4"], spec.Patterns.Select(p => p.Label));
        Assert.Empty(spec.Domains);
        Assert.Equal(new Shear.Grains.Abstractions.EvalSettings(), spec.Eval); // nothing set: every count takes the evaluation's default
    }

    [Fact]
    public void UnreachableRedisIsAClearErrorWithinItsTimeout()
    {
        var clock = Stopwatch.StartNew();
        var (code, _, err) = Shear("sweep", "status", "x", "--redis", "127.0.0.1:1", "--connect-timeout", "2");
        Assert.Equal(2, code);
        Assert.StartsWith("error: Redis at 127.0.0.1:1 is unreachable (waited 2 s)", err, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 30); // bounded: no hang (the bound is the point, not the speed)
    }

    [Fact]
    public void UnreachableGatewayIsAClearError()
    {
        var (code, _, err) = Shear("sweep", "status", "x", "--gateway", "127.0.0.1:1", "--connect-timeout", "3");
        Assert.Equal(2, code);
        Assert.StartsWith("error: cannot reach the Shear cluster at 127.0.0.1:1 within 3 s", err, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSilosTableShowsEachSilosDevicesAndFreeSlots()
    {
        var at = DateTime.UtcNow;
        var table = Commands.SweepCommand.FormatSilos(
        [
            new Grains.Abstractions.SiloLoad("S10.0.0.1:11111:1", "cpu", 0, 0, 0, at),
            new Grains.Abstractions.SiloLoad("S10.0.0.2:11111:1", "cuda", 1, 80L << 30, 1, at) { Devices = 1, FreeSlots = 0 },
            new Grains.Abstractions.SiloLoad("S10.0.0.3:11111:1", "cuda", 4, 3L << 29, 2, at) { Devices = 4, FreeSlots = 2 },
        ]);
        Assert.Equal(
            "silo               computes on  devices  free slots  most free GPU memory  running\n" +
            "S10.0.0.1:11111:1  cpu          cpu      1/1         -                     0\n" +
            "S10.0.0.2:11111:1  cuda         1 GPU    0/1         80.0 GiB              1\n" +
            "S10.0.0.3:11111:1  cuda         4 GPUs   2/4         1.5 GiB               2\n", table);
        Assert.Equal("no silo has posted its load yet\n", Commands.SweepCommand.FormatSilos([]));
    }
}
