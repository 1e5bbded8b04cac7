namespace Shear.Client.Tests;

/// <summary><c>shear sweep run FILE</c>: a sweep file on one machine (a silo host process it starts and stops), with the table and the report.</summary>
[Collection(LocalSiloHosts.Name)]
public sealed class SweepRunTests
{
    [Fact]
    public void ASweepFileRunsLocallyWithTwoSparsitiesAndWritesTheTableAndTheReport()
    {
        var root = Cli.NewDir();
        var repo = Shear.Tests.Shared.TestRepo.Root;
        var file = Path.Combine(root, "small.yaml");
        File.WriteAllText(file, $"models: [{Path.Combine(repo, "models", "shear-tiny")}]\ncalibrations: [builtin_math]\nmethods: [wanda]\npatterns: [unstructured]\n"
            + $"sparsity: [0.4, 0.6]\ndomains: [ppl]\neval_limit: 2\nnsamples: 8\nseqlen: 64\noutput: {Path.Combine(root, "out")}\ndata: {Path.Combine(repo, "data")}\n");
        var (code, stdout, stderr) = Cli.Shear("sweep", "run", file, "--id", "small");
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("silo host on 127.0.0.1:", stdout, StringComparison.Ordinal);
        // The dense row and one row per sparsity (the sweep varies it, so the rows name it).
        foreach (var row in new[] { "| dense | ", "| 0.4 builtin_math | ", "| 0.6 builtin_math | " })
        {
            Assert.Contains(row, stdout, StringComparison.Ordinal);
        }

        var report = Path.Combine(root, "out", "small", "report", "report.html");
        Assert.Contains($"wrote {report}", stdout, StringComparison.Ordinal);
        Assert.Equal("report", File.ReadAllText(Path.Combine(root, "out", "small", "report", ".shear-output")).Trim());
        foreach (var sparsity in new[] { "0.4", "0.6" })
        {
            Assert.True(File.Exists(Path.Combine(root, "out", "small", $"shear-tiny-wanda-unstructured-s{sparsity}-builtin_math", "pruning.json")), sparsity);
        }

        // A file with a bad option is refused before any silo starts.
        File.AppendAllText(file, "owl_lambda: 0.9\n");
        (code, _, stderr) = Cli.Shear("sweep", "run", file, "--id", "small-bad");
        Assert.Equal(2, code);
        Assert.Equal($"error: {file}:12: owl_lambda 0.9: expected a value in [0, 0.5)", stderr.TrimEnd('\n'));
    }
}
