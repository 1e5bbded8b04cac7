namespace Shear.Client.Tests;

public sealed class EvalCommandTests
{
    private static string Model => Path.Combine(AppContext.BaseDirectory, "Fixtures", "models", "llama");

    private static (int Code, string Out, string Err) Shear(params string[] args) => Cli.Shear(args);

    public static TheoryData<string[], string> BadInputs() => new()
    {
        { ["--domains", "foo"], "error: unknown domain 'foo' (known: code, csr, translation, math, ppl)" },
        { ["--domains", "csr", "--limit", "0"], "error: --limit 0 is out of range (1 to 2147483647)" },
        { ["--meteor-order", "backwards"], "error: --meteor-order backwards: expected conventional or thesis" },
        { ["--device", "npu"], "error: --device npu: expected auto, cpu, cuda or cuda:N" },
        { ["--device", "cuda"], "error: --device cuda: the libtorch in use is the CPU build (no CUDA); " + global::Shear.Numerics.Runtime.Devices.CudaBuildHint },
        { ["--dtype", "fp8"], "error: --dtype fp8: expected fp32, bf16 or fp16" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInputIsOneLineAndExitTwo(string[] extra, string expected)
    {
        var output = Path.Combine(Cli.NewDir(), "eval.json");
        var (code, _, err) = Shear(["eval", "--model", Model, "--out", output, .. extra]);
        Assert.Equal(2, code);
        Assert.Equal(expected, err.TrimEnd('\n'));
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void AnEmptyDataFolderIsAnErrorNotAScoreOfNothing()
    {
        var dir = Cli.NewDir();
        var data = Directory.CreateDirectory(Path.Combine(dir, "empty")).FullName;
        var output = Path.Combine(dir, "eval.json");
        var (code, stdout, err) = Shear("eval", "--model", Model, "--domains", "math", "--data-dir", data, "--out", output);
        var g = Path.Combine(data, "gsm8k");
        Assert.Equal(2, code);
        Assert.Equal($"error: {data}: math: no benchmark to score: gsm8k not in {g}, {Path.Combine(g, "main")} or {Path.Combine(g, "data")}; "
            + $"nor the built-in builtin_math in {Path.Combine(data, "builtin", "builtin_math")}\n", err);
        Assert.DoesNotContain("items 0", stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void AFallbackToTheBuiltInSetIsOneLineOnStderrAndInEvalJson()
    {
        var dir = Cli.NewDir();
        var data = Path.Combine(dir, "data");
        var csr = Directory.CreateDirectory(Path.Combine(data, "builtin", "builtin_commonsense")).FullName;
        File.Copy(Path.Combine(global::Shear.Tests.Shared.TestRepo.Root, "data", "builtin", "builtin_commonsense", "test.jsonl"), Path.Combine(csr, "test.jsonl"));
        var output = Path.Combine(dir, "eval.json");
        var (code, stdout, err) = Shear("eval", "--model", Model, "--domains", "csr", "--limit", "1", "--data-dir", data, "--out", output);
        Assert.True(code == 0, stdout + err);
        Assert.StartsWith($"warning: csr: none of boolq, winogrande, arc_easy, arc_challenge, hellaswag, openbookqa in {data} (shear data list --data-dir {data} shows where each is looked for)", err, StringComparison.Ordinal);
        Assert.EndsWith("; scoring the built-in builtin_commonsense instead\n", err, StringComparison.Ordinal);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(output));
        Assert.Equal(err["warning: ".Length..].TrimEnd('\n'), json.RootElement.GetProperty("fallbacks").GetProperty("csr").GetString());
    }

    [Fact]
    public void FolderThatIsNotAModelIsNamed()
    {
        var dir = global::Shear.Tests.Shared.TestTemp.NewDir("shear-client-tests");
        Directory.CreateDirectory(dir);
        var (code, _, err) = Shear("eval", "--model", dir);
        Assert.Equal(2, code);
        Assert.Equal($"error: --model {dir}: not a model folder (no config.json)", err.TrimEnd('\n'));
    }

    [Fact]
    public void LmEvalOutWritesTheResultsInLmEvalsLayoutBesideEvalJson()
    {
        var dir = Cli.NewDir();
        var data = Path.Combine(global::Shear.Tests.Shared.TestRepo.Root, "data");
        var output = Path.Combine(dir, "eval.json");
        var lmEval = Path.Combine(dir, "results.json");
        var (code, stdout, err) = Shear("eval", "--model", Model, "--domains", "csr", "--limit", "2", "--data-dir", data, "--out", output, "--lm-eval-out", lmEval);
        Assert.True(code == 0, stdout + err);
        using var eval = System.Text.Json.JsonDocument.Parse(File.ReadAllText(output));
        using var results = System.Text.Json.JsonDocument.Parse(File.ReadAllText(lmEval));
        var acc = eval.RootElement.GetProperty("results").EnumerateArray().First(r => r.GetProperty("metric").GetString() == "acc");
        var task = results.RootElement.GetProperty("results").GetProperty(acc.GetProperty("benchmark").GetString()!);
        Assert.Equal(acc.GetProperty("value").GetDouble(), task.GetProperty("acc,none").GetDouble());
        Assert.Equal(2, results.RootElement.GetProperty("config").GetProperty("limit").GetInt32());
    }

    [Fact]
    public void AnLmEvalOutIntoAMissingFolderIsRefusedBeforeTheEvaluation()
    {
        var dir = Cli.NewDir();
        var output = Path.Combine(dir, "eval.json");
        var (code, _, err) = Shear("eval", "--model", Model, "--domains", "ppl", "--out", output, "--lm-eval-out", Path.Combine(dir, "no", "such", "results.json"));
        Assert.Equal(2, code);
        Assert.StartsWith("error: --lm-eval-out ", err, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void DenseAddsItsRowAndARetentionTable()
    {
        var dir = Cli.NewDir();
        var data = Path.Combine(global::Shear.Tests.Shared.TestRepo.Root, "data");
        var dense = Path.Combine(dir, "dense.json");
        var (code, stdout, err) = Shear("eval", "--model", Model, "--domains", "ppl", "--limit", "2", "--data-dir", data, "--out", dense);
        Assert.True(code == 0, stdout + err);
        var pruned = Path.Combine(dir, "magnitude");
        (code, stdout, err) = Shear("prune", "--model", Model, "--method", "magnitude", "--sparsity", "0.5", "--out", pruned);
        Assert.True(code == 0, stdout + err);
        (code, stdout, err) = Shear("eval", "--model", pruned, "--domains", "ppl", "--limit", "2", "--data-dir", data, "--dense", dense);
        Assert.True(code == 0, stdout + err);

        // Perplexity's retention is dense perplexity / perplexity, from the two eval.json files.
        static double Ppl(string file, string benchmark)
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
            return doc.RootElement.GetProperty("results").EnumerateArray()
                .First(r => r.GetProperty("benchmark").GetString() == benchmark && r.GetProperty("metric").GetString() == "perplexity").GetProperty("value").GetDouble();
        }

        var lines = stdout.Split('\n');
        int at = Array.FindIndex(lines, l => l.StartsWith("Retention", StringComparison.Ordinal));
        Assert.True(at > 0, stdout);
        var heading = lines[at + 1].Split('|', StringSplitOptions.TrimEntries);
        var row = lines.Skip(at + 3).First(l => l.StartsWith("| magnitude |", StringComparison.Ordinal)).Split('|', StringSplitOptions.TrimEntries);
        Assert.StartsWith("| dense | 100.00 ± 0.00", lines[at + 3], StringComparison.Ordinal);
        int column = Array.IndexOf(heading, "ppl code % of dense");
        double expected = 100 * Ppl(dense, "ppl/code") / Ppl(Path.Combine(pruned, "eval.json"), "ppl/code");
        Assert.Equal(expected.ToString("F2", System.Globalization.CultureInfo.InvariantCulture), row[column].Split(' ')[0].Trim('*', '[', ']'));
        Assert.NotEqual(100.0, Math.Round(expected, 2)); // the pruned model's perplexity differs: not a table of ones

        (code, _, err) = Shear("eval", "--model", pruned, "--domains", "ppl", "--out", Path.Combine(dir, "x.json"), "--dense", Path.Combine(dir, "none.json"));
        Assert.Equal(2, code);
        Assert.Equal($"error: --dense {Path.Combine(dir, "none.json")}: no eval.json there (run shear eval on the dense model first)", err.TrimEnd('\n'));
        Assert.False(File.Exists(Path.Combine(dir, "x.json")));
    }
}
