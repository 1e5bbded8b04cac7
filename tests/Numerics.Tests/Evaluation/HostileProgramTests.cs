using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Shear.Numerics.Evaluation.Code;
using Shear.Tests.Shared;

namespace Shear.Numerics.Tests.Evaluation;

/// <summary>
/// Generated programs that try to escape, persist, spy or forge a pass. Each is written so that the attack succeeding
/// makes it pass: every one must fail (or time out), leave nothing alive or written on the host, and the next run
/// must still pass. CI runs these as root; SandboxAsNobodyTests runs the harness itself as an unprivileged user.
/// </summary>
public sealed class HostileProgramTests
{
    private static PythonSandbox Sandbox => Fixtures.Sandbox(TimeSpan.FromSeconds(4), memoryBytes: 512L << 20);

    private static string Q(string s) => JsonSerializer.Serialize(s);

    private static void AssertContained(string program, string? aliveMarker = null)
    {
        var r = Sandbox.Run(program);
        Assert.True(r.Outcome != SandboxOutcome.Passed, $"the attack passed: {r.Output}");
        if (aliveMarker is not null)
        {
            Assert.Equal("", Alive(aliveMarker));
        }

        Assert.Equal(SandboxOutcome.Passed, Sandbox.Run("assert 1 + 1 == 2\n").Outcome); // the harness is healthy
    }

    // Processes on the host (any namespace) whose command line holds the marker.
    private static string Alive(string marker)
    {
        using var pgrep = Process.Start(new ProcessStartInfo("pgrep", ["-a", "-f", marker]) { RedirectStandardOutput = true })!;
        pgrep.WaitForExit();
        return string.Join("\n", pgrep.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.Contains("pgrep", StringComparison.Ordinal)));
    }

    [Fact]
    public void SandboxIsolationIsInForceHere() =>
        Assert.StartsWith("bubblewrap:", Sandbox.Isolation, StringComparison.Ordinal); // .ci/run installs bubblewrap

    [Fact]
    public void ASetsidChildDiesWithTheRun() => AssertContained(
        "import os, time\nif os.fork() == 0:\n    os.setsid()\n    os.execv('/usr/bin/sleep', ['sleep', '4711.1'])\ntime.sleep(0.5)\nassert False\n", "sleep 4711.1");

    [Fact]
    public void ADoubleForkedChildDiesWithTheRun() => AssertContained(
        "import os, sys, time\nif os.fork() == 0:\n    if os.fork() == 0:\n        os.setsid()\n        os.execv('/usr/bin/sleep', ['sleep', '4711.2'])\n    os._exit(0)\ntime.sleep(0.5)\nsys.exit(0)\n",
        "sleep 4711.2");

    [Fact]
    public void ItCannotWriteOutsideItsTmpfs()
    {
        var dir = Fixtures.TempDir();
        var target = Path.Combine(dir, "written.txt");
        AssertContained($"open({Q(target)}, 'w').write('x')\n");
        AssertContained("open('/etc/shear-x', 'w').write('x')\n");
        AssertContained("open('/usr/shear-x', 'w').write('x')\n");
        AssertContained("open('/shear-x', 'w').write('x')\n");
        AssertContained("open('/dev/shear-x', 'w').write('x')\n");
        AssertContained("with open('/dev/shm/big', 'wb') as f:\n    for _ in range(64):\n        f.write(b'x' * (1 << 20))\n");
        Sandbox.Run("import os\nos.makedirs('/dev/shm/shear', exist_ok=True)\nopen('/dev/shm/shear/x', 'w').write('x')\n"); // its own /dev/shm, gone with it
        Assert.False(File.Exists(target));
        Assert.False(File.Exists("/etc/shear-x"));
        Assert.False(Directory.Exists("/dev/shm/shear"));
    }

    [Fact]
    public void ItCannotReadTheProjectOrHome()
    {
        AssertContained($"print(open({Q(Path.Combine(TestRepo.Root, "README.md"))}).read()[:10])\n");
        AssertContained($"import os\nassert os.listdir({Q(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile))})\n");
        AssertContained($"import os\nassert os.listdir({Q(Path.GetTempPath())})\n");
    }

    [Fact]
    public void ItCannotReadAnotherProcesssEnvironment()
    {
        // The secret is in this test process's environment (and so in its children's): no process the program can see has it.
        Environment.SetEnvironmentVariable("SHEAR_SANDBOX_SECRET", "s3cr3t-4711");
        AssertContained("import os\nfound = False\nfor p in os.listdir('/proc'):\n    try:\n        found |= b's3cr3t-4711' in open(f'/proc/{p}/environ', 'rb').read()\n    except Exception:\n        pass\nassert found or 's3cr3t-4711' in str(os.environ)\n");
    }

    [Fact]
    public void ItCannotSignalOrTraceTheHarness()
    {
        int me = Environment.ProcessId;
        AssertContained($"import os, signal\nos.kill({me}, signal.SIGTERM)\n");
        AssertContained($"import ctypes\nlibc = ctypes.CDLL(None)\nassert libc.ptrace(16, {me}, 0, 0) == 0\n"); // PTRACE_ATTACH
        AssertContained($"import os\nassert os.getppid() == {me}\n");
        Assert.False(Process.GetCurrentProcess().HasExited);
    }

    [Fact]
    public void ItReachesNoNetworkAndNoHostSocket()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        AssertContained($"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=2)\n");
        var path = Path.Combine(Fixtures.TempDir(), "s.sock");
        using var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        unix.Bind(new UnixDomainSocketEndPoint(path));
        unix.Listen(1);
        AssertContained($"import socket\ns = socket.socket(socket.AF_UNIX)\ns.connect({Q(path)})\n");
        Assert.False(listener.Pending());
    }

    [Fact]
    public void FillingDiskOrMemoryFailsAndLeavesNothing()
    {
        AssertContained("with open('/tmp/big', 'wb') as f:\n    for _ in range(200):\n        f.write(b'x' * (1 << 20))\n");
        AssertContained("x = bytearray(8 << 30)\n");
    }

    [Fact]
    public void ARunsProcessesTogetherGetOneMemoryBudget()
    {
        // Four children of 300 MB each stay under the per-process address-space limit (512 MiB here) but not under
        // the run's one budget: the run's cgroup (root) kills one of them.
        Assert.SkipUnless(Environment.UserName == "root", "per-run cgroups need root (CI runs as root)");
        Assert.Contains("per-run cgroup", Sandbox.Isolation, StringComparison.Ordinal);
        AssertContained("import os, time\npids = []\nfor _ in range(4):\n    pid = os.fork()\n    if pid == 0:\n        x = b'x' * (300 << 20)\n        time.sleep(2)\n        os._exit(0)\n    pids.append(pid)\nassert all(os.waitpid(p, 0)[1] == 0 for p in pids)\n");
    }

    [Fact]
    public void ExhaustingProcessesLeavesTheNextRunItsOwn()
    {
        AssertContained("import os, time\nfor _ in range(10000):\n    try:\n        if os.fork() == 0:\n            os.execv('/usr/bin/sleep', ['sleep', '4711.3'])\n    except OSError:\n        break\nassert False\n", "sleep 4711.3");
        var forks = Sandbox.Run("import os\nn = 0\nfor _ in range(20):\n    if os.fork() == 0:\n        os._exit(0)\n    os.wait()\n    n += 1\nassert n == 20\n");
        Assert.Equal(SandboxOutcome.Passed, forks.Outcome);
    }

    [Fact]
    public void AnEarlierRunCannotTamperWithALaterOne()
    {
        // Run 1 leaves a loop behind that rewrites every program it can find to pass; run 2 must still fail.
        var daemon = "import os, glob, time\nif os.fork() == 0:\n    os.setsid()\n    end = time.time() + 20\n    while time.time() < end:\n" +
            "        for p in glob.glob('/tmp/shear-sandbox-*/program.py') + glob.glob('/run/shear/*.py'):\n            try:\n                open(p, 'w').write('pass\\n')\n            except Exception:\n                pass\n" +
            "        time.sleep(0.01)\n    os._exit(0)\nassert False\n";
        AssertContained(daemon);
        Assert.Equal(SandboxOutcome.Failed, Sandbox.Run("import time\ntime.sleep(0.5)\nassert 1 + 1 == 3\n").Outcome);
    }

    [Theory]
    [InlineData("import os\nos._exit(0)\nassert False\n")]
    [InlineData("import sys\nsys.exit(0)\nassert False\n")]
    [InlineData("raise SystemExit(0)\nassert False\n")]
    [InlineData("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n")]
    [InlineData("import sys\nsys.stdout.write('\\n' + 'A' * 32 + '\\n')\nimport os\nos._exit(0)\n")]
    [InlineData("import atexit, os\natexit.register(lambda: os._exit(0))\nassert False\n")]
    public void ExitingZeroBeforeTheAssertsIsNotAPass(string program)
    {
        var r = Sandbox.Run(program);
        Assert.Equal(SandboxOutcome.Failed, r.Outcome);
    }
}
