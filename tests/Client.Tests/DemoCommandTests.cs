namespace Shear.Client.Tests;

/// <summary><c>shear demo</c> runs its sweep on a silo host process it starts and stops: the table comes back, no silo is left.</summary>
[Collection(LocalSiloHosts.Name)]
public sealed class DemoCommandTests
{
    [Fact]
    public void ASmallDemoRunsOnAChildSiloAndLeavesNoSiloBehind()
    {
        var root = Cli.NewDir();
        var repo = Shear.Tests.Shared.TestRepo.Root;
        var (code, stdout, stderr) = Cli.Shear("demo", "--model", Path.Combine(repo, "models", "shear-tiny"), "--data-dir", Path.Combine(repo, "data"),
            "--calibrations", "builtin_code;builtin_code:16,builtin_math:16", "--domains", "ppl", "--limit", "2", "--out", Path.Combine(root, "out"));
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("silo host on 127.0.0.1:", stdout, StringComparison.Ordinal);
        // The dense row and four sub-models (unstructured 50% and 2:4 of builtin_code and of a mixture), each with a perplexity per built-in domain
        // and its standard error (2 windows each), the own domain's cell marked, a verdict row per pattern.
        Assert.Contains("| calibration | ppl code | ppl translation | ppl commonsense | ppl math | ppl text |", stdout, StringComparison.Ordinal);
        // A mixture is a row of its own, its own domain unmarked (it owns none).
        foreach (var row in new[] { "| dense | ", "| unstructured builtin_code | [", "| 2:4 builtin_code | [", "| unstructured builtin_code:16,builtin_math:16 | ", "| 2:4 builtin_code:16,builtin_math:16 | " })
        {
            Assert.Contains(row, stdout, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("| unstructured builtin_code:16,builtin_math:16 | [", stdout, StringComparison.Ordinal);
        Assert.Contains(" ± ", stdout, StringComparison.Ordinal);
        // The retention view: the dense row at 100 %, each sub-model's domains as a fraction of it.
        Assert.Contains("| calibration | ppl code % of dense |", stdout, StringComparison.Ordinal);
        Assert.Contains("| dense | 100.00 ± 0.00 |", stdout, StringComparison.Ordinal);
        // The report is written by default, and its path printed.
        var report = Path.Combine(root, "out", "report", "report.html");
        Assert.Contains($"wrote {report}", stdout, StringComparison.Ordinal);
        Assert.Contains("<table class=\"results\">", File.ReadAllText(report), StringComparison.Ordinal);

        Assert.True(Directory.Exists(Path.Combine(root, "out", "demo")), "the sub-models were not written");
        // The silo it started has exited: no process carries this process as its parent watch.
        var marker = $"--Shear:ParentPid={Environment.ProcessId}";
        var left = Directory.GetDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)).Where(d =>
        {
            try
            {
                return File.ReadAllText(Path.Combine(d, "cmdline")).Replace('\0', ' ').Contains(marker, StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        }).ToList();
        Assert.Empty(left);
    }
}
