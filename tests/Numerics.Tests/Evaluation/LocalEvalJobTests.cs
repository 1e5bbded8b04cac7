using Shear.Numerics.Evaluation;

namespace Shear.Numerics.Tests.Evaluation;

public sealed class LocalEvalJobTests
{
    private static string Repo => ArchitectureTests.RepoRoot();

    [Fact]
    public void TinyModelGetsEveryBuiltinBenchmarkScored()
    {
        var report = LocalEvalJob.Run(Path.Combine(Repo, "models", "shear-tiny"), ["ppl", "csr", "math"], 2, Path.Combine(Repo, "data"));
        Assert.Equal(["ppl/code", "ppl/translation", "ppl/commonsense", "ppl/math", "ppl/text", "builtin_commonsense", "builtin_commonsense", "builtin_math"],
            report.Results.Select(r => r.Benchmark));
        // The trained model is far better than a uniform guess over its 4096 tokens on every domain.
        Assert.All(report.Results.Where(r => r.Domain == "ppl"), r => Assert.InRange(r.Value, 1.0, 200.0));
        Assert.All(report.Results.Where(r => r.Domain != "ppl"), r => Assert.InRange(r.Value, 0.0, 1.0));
        Assert.Equal(report.Results.Where(r => r.Domain == "ppl").Average(r => r.Value), report.Domains["ppl"], 9);
        var path = Path.Combine(Fixtures.TempDir(), "eval.json");
        LocalEvalJob.Save(report, path);
        Assert.Contains("\"benchmark\": \"builtin_math\"", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public void DomainsNotYetAvailableAreNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => LocalEvalJob.Run("unused", ["ppl", "translation", "code"], 1, "data"));
        Assert.Equal("cannot evaluate domain(s) translation, code yet (available: ppl, csr, math)", e.Message);
    }
}
