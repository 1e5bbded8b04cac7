using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Shear.Deploy.Tests;

/// <summary>
/// The GPU check (bench/gpu, DEVELOPERS.md) is run by hand on a lent device machine, never in CI; these checks keep
/// it runnable when that day comes: the documented device call fits the tool's limits, the scripts parse and are
/// executable, the external backend carries no natives, and the working tree leaves room for the carried archive.
/// </summary>
public sealed partial class GpuCheckTests
{
    private const long DeviceCallBytes = 64L * 1024 * 1024;   // the device call: working tree + carried paths
    private const long ArchiveBytes = 30L * 1024 * 1024;      // .gpu-carry/shear-gpu.tar.xz as prepare.sh made it (29.0 MiB), rounded up
    private const long MarginBytes = 1024 * 1024;             // prepare.sh's margin

    private static readonly string[] Scripts = ["bench/gpu/prepare.sh", "bench/gpu/gpu-check.sh"];
    private static readonly string[] PythonScripts = ["bench/gpu/build_glue.py", "bench/gpu/wanda_layer_reference.py", "bench/gpu/compare_logits.py"];

    private static (string Command, List<string> Carry, int TimeoutS) DocumentedCall()
    {
        var text = File.ReadAllText(Path.Combine(Manifests.Repo, "DEVELOPERS.md"));
        var section = text[text.IndexOf("## The GPU check", StringComparison.Ordinal)..];
        string Field(string name) => Regex.Match(section, $"^{name}: (.+)$", RegexOptions.Multiline).Groups[1].Value.Trim();
        var carry = Regex.Matches(Field("carry"), "\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        return (Field("command"), carry, int.Parse(Field("timeout_s"), CultureInfo.InvariantCulture));
    }

    [Fact]
    public void TheDocumentedDeviceCallFitsTheToolsLimits()
    {
        var (command, carry, timeout) = DocumentedCall();
        Assert.InRange(command.Length, 1, 2000);
        Assert.True(File.Exists(Path.Combine(Manifests.Repo, command.Split(' ').Single(p => p.EndsWith(".sh", StringComparison.Ordinal)))), $"{command}: script missing");
        Assert.InRange(carry.Count, 1, 8);
        var ignore = File.ReadAllLines(Path.Combine(Manifests.Repo, ".gitignore"));
        Assert.Contains("/.gpu-carry/", ignore);
        Assert.All(carry, c => Assert.True(c.Length <= 200 && c.StartsWith(".gpu-carry/", StringComparison.Ordinal), $"carry {c}: not an ignored .gpu-carry/ path"));
        Assert.Contains(".gpu-carry/shear-gpu.tar.xz", carry);
        Assert.Contains("ARCHIVE=\"$CARRY/shear-gpu.tar.xz\"", File.ReadAllText(Path.Combine(Manifests.Repo, "bench/gpu/prepare.sh")), StringComparison.Ordinal);

        // The script stops itself (every step's limit cut to what is left) before the call's timeout, which is at most 10 minutes.
        var budget = int.Parse(Regex.Match(File.ReadAllText(Path.Combine(Manifests.Repo, "bench/gpu/gpu-check.sh")), @"GPU_CHECK_BUDGET_S:-(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(timeout, budget + 15, 600);
    }

    [Fact]
    public void TheScriptsAreExecutableAndParse()
    {
        Assert.True(OperatingSystem.IsLinux(), "the GPU check's scripts are bash and python for Linux");
        foreach (var script in Scripts.Concat(PythonScripts))
        {
            var mode = OperatingSystem.IsWindows() ? UnixFileMode.None : File.GetUnixFileMode(Path.Combine(Manifests.Repo, script));
            Assert.True(mode.HasFlag(UnixFileMode.UserExecute), $"{script} is not executable");
        }

        foreach (var script in Scripts)
        {
            Run("bash", ["-n", Path.Combine(Manifests.Repo, script)]);
        }

        Run("python3", ["-c", "import ast, sys\nfor f in sys.argv[1:]: ast.parse(open(f).read(), f)", .. PythonScripts.Select(p => Path.Combine(Manifests.Repo, p))]);
    }

    [Fact]
    public void TheExternalBackendTakesTorchSharpsManagedAssemblyOnly()
    {
        var project = XDocument.Load(Path.Combine(Manifests.Repo, "src/Numerics/Numerics.csproj"));
        var external = project.Descendants("PackageReference")
            .Where(r => Applies(r, "external"))
            .ToList();
        var torchSharp = Assert.Single(external, r => r.Attribute("Include")?.Value == "TorchSharp");
        Assert.Equal("native", torchSharp.Attribute("ExcludeAssets")?.Value);
        Assert.DoesNotContain(external, r => r.Attribute("Include")!.Value.StartsWith("libtorch", StringComparison.Ordinal) || r.Attribute("Include")!.Value.StartsWith("TorchSharp-", StringComparison.Ordinal));

        // The default (cpu) build keeps TorchSharp's glue and the CPU libtorch.
        var cpu = project.Descendants("PackageReference").Where(r => Applies(r, "cpu")).Select(r => r.Attribute("Include")!.Value).ToList();
        Assert.Contains("TorchSharp", cpu);
        Assert.Contains("libtorch-cpu-linux-x64", cpu);
    }

    [Fact]
    public void TheWorkingTreeLeavesRoomForTheCarriedArchive()
    {
        // What the device call sends besides the archive: every file git does not ignore. Build outputs and the
        // ignored folders are skipped; anything else counts (an untracked file travels too), so this overcounts.
        string[] skipped = ["bin", "obj", ".git", ".cache", ".gpu-carry", "TestResults", "artifacts", "out", "demo-output", "sweeps", "__pycache__", ".vs", ".gl", ".whl"];
        long bytes = 0;
        var pending = new Stack<DirectoryInfo>([new DirectoryInfo(Manifests.Repo)]);
        while (pending.TryPop(out var dir))
        {
            bytes += dir.EnumerateFiles().Where(f => f.LinkTarget is null).Sum(f => f.Length);
            foreach (var sub in dir.EnumerateDirectories().Where(d => !skipped.Contains(d.Name) && d.LinkTarget is null))
            {
                pending.Push(sub);
            }
        }

        Assert.True(bytes + ArchiveBytes <= DeviceCallBytes - MarginBytes,
            $"the working tree ({bytes / 1048576.0:F1} MiB) + the GPU check's archive ({ArchiveBytes / 1048576} MiB) exceed the device call's 64 MiB: shrink the tree or the archive (bench/gpu/prepare.sh)");
    }

    private static bool Applies(XElement reference, string backend)
    {
        var condition = reference.Attribute("Condition")?.Value ?? reference.Parent?.Attribute("Condition")?.Value;
        if (condition is null)
        {
            return true;
        }

        var m = ConditionPattern().Match(condition);
        Assert.True(m.Success, $"unexpected condition {condition}");
        bool equal = m.Groups[2].Value == backend;
        return m.Groups[1].Value == "==" ? equal : !equal;
    }

    [GeneratedRegex(@"'\$\(ShearTorchBackend\)' (==|!=) '(\w+)'")]
    private static partial Regex ConditionPattern();

    private static void Run(string file, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        var error = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', info.ArgumentList)}: {error}");
    }
}
