using System.Diagnostics;
using Shear.Numerics.Evaluation.Code;

namespace Shear.Numerics.Tests.Evaluation;

public sealed class PythonSandboxTests
{
    private static PythonSandbox Box => Fixtures.Sandbox(TimeSpan.FromSeconds(3), memoryBytes: 512L << 20);

    [Fact]
    public void ACorrectProgramPasses()
    {
        var r = Box.Run("def add(a, b):\n    return a + b\n\nassert add(2, 3) == 5\nprint('ok')\n");
        Assert.Equal(SandboxOutcome.Passed, r.Outcome);
        Assert.Equal("ok\n", r.Output);
    }

    [Fact]
    public void AFailingAssertFails()
    {
        var r = Box.Run("assert 1 + 1 == 3, 'wrong sum'\n");
        Assert.Equal(SandboxOutcome.Failed, r.Outcome);
        Assert.Contains("AssertionError: wrong sum", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEndlessLoopTimesOut()
    {
        var clock = Stopwatch.StartNew();
        var r = Box.Run("while True:\n    pass\n");
        Assert.Equal(SandboxOutcome.TimedOut, r.Outcome);
        Assert.InRange(clock.Elapsed.TotalSeconds, 2.5, 20);
    }

    [Fact]
    public void UnboundedAllocationFails()
    {
        var r = Box.Run("x = bytearray(4 << 30)\n");
        Assert.Equal(SandboxOutcome.Failed, r.Outcome);
        Assert.Contains("MemoryError", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void PrintingWithoutEndIsCappedAndStopped()
    {
        var r = Box.Run("while True:\n    print('x' * 10000)\n");
        Assert.Equal(SandboxOutcome.TimedOut, r.Outcome);
        Assert.Equal(64 * 1024, r.Output.Length);
    }

    [Fact]
    public void AForkBombIsContainedAndKilled()
    {
        var r = Box.Run("import os\nwhile True:\n    try:\n        if os.fork() == 0:\n            os.execv('/usr/bin/sleep', ['sleep', '4711.4'])\n    except OSError:\n        pass\n");
        Assert.NotEqual(SandboxOutcome.Passed, r.Outcome);
        // Its pid namespace died with it: nothing of it may survive the kill.
        using var pgrep = Process.Start(new ProcessStartInfo("pgrep", "-f \"sleep 4711.4\"") { RedirectStandardOutput = true })!;
        pgrep.WaitForExit();
        Assert.Equal("", pgrep.StandardOutput.ReadToEnd());
    }

    [Fact]
    public void ItCannotDeleteFilesOutsideItsFolder()
    {
        var dir = Fixtures.TempDir();
        var victim = Path.Combine(dir, "keep.txt");
        File.WriteAllText(victim, "precious");
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(dir, (UnixFileMode)0x1ED); // rwxr-xr-x, owned by root
        }

        var r = Box.Run($"import os\nos.remove({System.Text.Json.JsonSerializer.Serialize(victim)})\n");
        Assert.Equal(SandboxOutcome.Failed, r.Outcome);
        Assert.Contains("FileNotFoundError", r.Output, StringComparison.Ordinal); // the host's folders are not there at all
        Assert.Equal("precious", File.ReadAllText(victim));
    }

    [Fact]
    public void ItHasNoNetwork()
    {
        var r = Box.Run("import socket\nsocket.create_connection(('127.0.0.1', 9), timeout=2)\n");
        Assert.Equal(SandboxOutcome.Failed, r.Outcome);
        Assert.True(r.Output.Contains("Connection refused", StringComparison.Ordinal) || r.Output.Contains("unreachable", StringComparison.Ordinal), r.Output); // its own loopback only
        Assert.Contains("network", Box.Isolation, StringComparison.Ordinal);
    }

    [Fact]
    public void TheIssueListEndsWithinItsLimitsAndTheNextProgramStillRuns()
    {
        (string Program, SandboxOutcome[] Allowed)[] cases =
        [
            ("while True: pass\n", [SandboxOutcome.TimedOut]),
            ("import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n", [SandboxOutcome.TimedOut, SandboxOutcome.Failed]),
            ("open('/etc/x', 'w').write('x')\n", [SandboxOutcome.Failed]),
            ("x = bytearray(50 * 2**30)\n", [SandboxOutcome.Failed]),
            ("import sys\nchunk = 'x' * 2**20\nfor _ in range(1024):\n    sys.stdout.write(chunk)\n", [SandboxOutcome.Passed, SandboxOutcome.TimedOut, SandboxOutcome.Failed]),
            ("import socket\nsocket.create_connection(('127.0.0.1', 9), timeout=2)\n", [SandboxOutcome.Failed]),
        ];
        foreach (var (program, allowed) in cases)
        {
            var clock = Stopwatch.StartNew();
            var r = Box.Run(program);
            Assert.True(allowed.Contains(r.Outcome), $"{program}: {r.Outcome}");
            Assert.InRange(clock.Elapsed.TotalSeconds, 0, 30); // within the 10 s wall clock plus the kill
            Assert.InRange(r.Output.Length, 0, 64 * 1024);
            Assert.Equal(SandboxOutcome.Passed, Box.Run("assert 1 + 1 == 2\n").Outcome); // the harness is healthy
        }

        Assert.False(File.Exists("/etc/x"));
    }
}
