namespace Shear.Client.Tests;

/// <summary><c>shear demo</c> runs its sweep on a silo host process it starts and stops: the table comes back, no silo is left.</summary>
public sealed class DemoCommandTests
{
    [Fact]
    public void ASmallDemoRunsOnAChildSiloAndLeavesNoSiloBehind()
    {
        var root = Cli.NewDir();
        var repo = Shear.Tests.Shared.TestRepo.Root;
        var (code, stdout, stderr) = Cli.Shear("demo", "--model", Path.Combine(repo, "models", "shear-tiny"), "--data-dir", Path.Combine(repo, "data"),
            "--calibrations", "builtin_code", "--domains", "ppl", "--limit", "1", "--out", Path.Combine(root, "out"));
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("silo host on 127.0.0.1:", stdout, StringComparison.Ordinal);
        // The dense row and the two sub-models (unstructured 50% and 2:4), each with a perplexity.
        foreach (var row in new[] { "| dense |", "| unstructured builtin_code |", "| 2:4 builtin_code |" })
        {
            Assert.Contains(row, stdout, StringComparison.Ordinal);
        }

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
