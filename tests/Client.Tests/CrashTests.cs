using System.Diagnostics;

namespace Shear.Client.Tests;

/// <summary>
/// <c>shear prune</c> and <c>shear compare</c> in child processes killed (SIGKILL) at chosen points: after each
/// layer is written, at the start of the commit, after the sync, after the atomic swap of an existing output, after
/// the move into place. Afterwards the output is absent or the previous complete one or the new complete one, never
/// a mix; the next run succeeds and leaves nothing beside the output.
/// </summary>
public sealed class CrashTests
{
    private static readonly string Model = Path.Combine(AppContext.BaseDirectory, "Fixtures", "models", "llama");
    private static readonly string Calibration = Path.Combine(AppContext.BaseDirectory, "Fixtures", "calibration", "mixed.jsonl");

    // What a point leaves at the output: nothing new yet, or the new copy in place. A fresh output is moved into
    // place; an existing one is swapped with the new copy (commit-exchanged: the old copy is still beside it).
    public static TheoryData<string, bool> FreshPoints() => new()
    {
        { "layer-0-written", false }, { "layer-1-written", false }, { "commit-start", false }, { "commit-synced", false }, { "commit-moved", true },
    };

    public static TheoryData<string, bool> ReplacingPoints() => new()
    {
        { "layer-0-written", false }, { "layer-1-written", false }, { "commit-start", false }, { "commit-synced", false }, { "commit-exchanged", true }, { "commit-moved", true },
    };

    public static TheoryData<string, bool> ComparePoints() => new()
    {
        { "commit-start", false }, { "commit-synced", false }, { "commit-exchanged", true }, { "commit-moved", true },
    };

    private static (int Code, string Err) Shear(string? crashAt, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "shear.dll"));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        if (crashAt is not null)
        {
            info.Environment["SHEAR_CRASH_AT"] = crashAt;
        }

        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), "shear did not exit");
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    private static string[] Prune(string method, string output, bool overwrite) =>
        ["prune", "--model", Model, "--method", method, "--calibration", Calibration, "--nsamples", "2", "--seqlen", "16", "--out", output, .. overwrite ? new[] { "--overwrite" } : []];

    private static SortedDictionary<string, string> Contents(string dir, params string[] except)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in Directory.GetFiles(dir, "*", SearchOption.AllDirectories))
        {
            var name = Path.GetRelativePath(dir, f);
            if (!except.Contains(name))
            {
                files[name] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)));
            }
        }

        return files;
    }

    private static List<string> Beside(string parent) => [.. Directory.EnumerateFileSystemEntries(parent).Select(e => Path.GetFileName(e)).Order(StringComparer.Ordinal)];

    // The wanda and magnitude outputs a complete run makes (pruning.json holds timings, so it is left out).
    private static readonly Lazy<(SortedDictionary<string, string> Wanda, SortedDictionary<string, string> Magnitude)> Reference = new(() =>
    {
        var root = Cli.NewDir();
        Assert.Equal(0, Shear(null, Prune("wanda", Path.Combine(root, "wanda"), false)).Code);
        Assert.Equal(0, Shear(null, Prune("magnitude", Path.Combine(root, "magnitude"), false)).Code);
        return (Contents(Path.Combine(root, "wanda"), "pruning.json"), Contents(Path.Combine(root, "magnitude"), "pruning.json"));
    });

    [Theory]
    [MemberData(nameof(FreshPoints))]
    public void AFreshPruneKilledLeavesNoOutputOrTheCompleteOneAndTheNextRunCleansUp(string point, bool inPlace)
    {
        var root = Cli.NewDir();
        var output = Path.Combine(root, "out");
        var (code, log) = Shear(point, Prune("wanda", output, false));
        Assert.True(code != 0, $"not killed at {point}: {log}");
        if (inPlace)
        {
            Assert.Equal(Reference.Value.Wanda, Contents(output, "pruning.json"));
        }
        else
        {
            Assert.False(Directory.Exists(output), $"a partial output after a kill at {point}");
        }

        Assert.Equal(0, Shear(null, Prune("wanda", output, inPlace)).Code);
        Assert.Equal(Reference.Value.Wanda, Contents(output, "pruning.json"));
        Assert.Equal(["out"], Beside(root));
    }

    [Theory]
    [MemberData(nameof(ReplacingPoints))]
    public void AReplacingPruneKilledLeavesThePreviousOrTheNewCompleteOutputAndTheNextRunCleansUp(string point, bool inPlace)
    {
        var root = Cli.NewDir();
        var output = Path.Combine(root, "out");
        Assert.Equal(0, Shear(null, Prune("magnitude", output, false)).Code); // the previous complete output
        var (code, log) = Shear(point, Prune("wanda", output, true));
        Assert.True(code != 0, $"not killed at {point}: {log}");
        Assert.Equal(inPlace ? Reference.Value.Wanda : Reference.Value.Magnitude, Contents(output, "pruning.json"));

        Assert.Equal(0, Shear(null, Prune("wanda", output, true)).Code);
        Assert.Equal(Reference.Value.Wanda, Contents(output, "pruning.json"));
        Assert.Equal(["out"], Beside(root));
    }

    private static readonly Lazy<string> MaskSets = new(() =>
    {
        var root = Cli.NewDir();
        Assert.Equal(0, Shear(null, Prune("wanda", Path.Combine(root, "a"), false)).Code);
        Assert.Equal(0, Shear(null, Prune("magnitude", Path.Combine(root, "b"), false)).Code);
        return root;
    });

    [Theory]
    [MemberData(nameof(ComparePoints))]
    public void AReportKilledLeavesThePreviousOrTheNewCompleteReportAndTheNextRunCleansUp(string point, bool inPlace)
    {
        var root = Cli.NewDir();
        var report = Path.Combine(root, "report");
        Directory.CreateDirectory(report);
        File.WriteAllText(Path.Combine(report, ".shear-output"), "report\n"); // a previous report of Shear's
        File.WriteAllText(Path.Combine(report, "previous.txt"), "the previous report");
        string[] args = ["compare", Path.Combine(MaskSets.Value, "a"), Path.Combine(MaskSets.Value, "b"), "--out", report, "--overwrite"];
        var (code, log) = Shear(point, args);
        Assert.True(code != 0, $"not killed at {point}: {log}");
        var files = Beside(report);
        if (inPlace)
        {
            Assert.Contains("report.html", files);
            Assert.DoesNotContain("previous.txt", files);
        }
        else
        {
            Assert.Equal([".shear-output", "previous.txt"], files);
        }

        Assert.Equal(0, Shear(null, args).Code);
        Assert.Contains("report.html", Beside(report));
        Assert.Equal(["report"], Beside(root));
    }
}
