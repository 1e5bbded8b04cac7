using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Shear.Numerics.Evaluation.Code;

/// <summary>
/// Runs one generated Python program in bubblewrap (Debian's <c>bubblewrap</c>, the sandbox Flatpak uses): new user,
/// pid, network, IPC, UTS and cgroup namespaces (every descendant dies with the run; no network, no Unix sockets of
/// the host), a read-only mount namespace with only /usr of the host and fresh size-limited tmpfs folders (/tmp, /dev/shm) as
/// the run's only writable places (no host /tmp, /dev/shm, project, home or models), a cleared environment, a new session, die-with-parent,
/// every capability dropped and no-new-privileges; as root it first drops to nobody, so the process limit holds.
/// Per run: address space, CPU seconds, processes, open files and file size (<c>prlimit</c>), a wall clock and an
/// output cap. A run passes only if its code ran to its end: the harness's wrapper prints a per-run token (read from
/// stdin, never in the program text) after the program's last statement, so exiting 0 before the asserts fails.
/// Without bubblewrap (or user namespaces) code evaluation refuses to run unless <c>allowUnisolated</c> is set.
/// </summary>
public sealed partial class PythonSandbox
{
    /// <summary>How to enable isolation, for messages.</summary>
    public const string EnableHint = "install bubblewrap (sudo apt-get install bubblewrap) and allow unprivileged user namespaces";

    private const string Wrapper = """
        import sys
        def _shear_run():
            token = sys.stdin.readline().strip()
            sys.stdin.close()
            sys.stdin = open('/dev/null')
            with open('/run/shear/program.py') as f:
                source = f.read()
            exec(compile(source, '/run/shear/program.py', 'exec'), {'__name__': '__main__', '__file__': '/run/shear/program.py'})
            sys.stdout.flush()
            sys.stderr.flush()
            import os
            os.write(1, ('\n' + token + '\n').encode())
        _shear_run()
        """;

    private static readonly bool IsRoot = OperatingSystem.IsLinux() && Environment.UserName == "root";
    private static readonly Lazy<string?> Unavailable = new(Probe);
    private readonly TimeSpan _timeout;
    private readonly long _memoryBytes;
    private readonly int _maxProcesses;
    private readonly int _outputCap;
    private readonly long _diskBytes;
    private readonly bool _isolated;

    /// <summary>A sandbox with the given limits.</summary>
    /// <exception cref="SandboxUnavailableException">No bubblewrap here and <paramref name="allowUnisolated"/> is false.</exception>
    public PythonSandbox(TimeSpan timeout, long memoryBytes = 1L << 30, int maxProcesses = 64, int outputCap = 64 * 1024, long diskBytes = 64L << 20, bool allowUnisolated = false)
    {
        (_timeout, _memoryBytes, _maxProcesses, _outputCap, _diskBytes) = (timeout, memoryBytes, maxProcesses, outputCap, diskBytes);
        _isolated = Unavailable.Value is null;
        if (!_isolated && !allowUnisolated)
        {
            throw new SandboxUnavailableException($"code evaluation refuses to run generated code without isolation: {Unavailable.Value}; {EnableHint}, or pass --allow-unisolated-code to run it anyway");
        }
    }

    /// <summary>Why bubblewrap cannot isolate a program here, or null when it can.</summary>
    public static string? WhyUnavailable => Unavailable.Value;

    /// <summary>The isolation this sandbox applies on this machine, in words.</summary>
    public string Isolation => _isolated
        ? $"bubblewrap: own user/pid/network/ipc/uts/cgroup namespaces, a read-only root with /usr and no host folders, writable only a {_diskBytes >> 20} MiB /tmp and a 16 MiB /dev/shm, cleared environment, no capabilities, no new privileges{(IsRoot ? ", run as nobody" : "")}; prlimit: address space {_memoryBytes >> 20} MiB, {_maxProcesses} processes, CPU {CpuSeconds} s, files 16 MiB, 64 open files; wall clock {_timeout.TotalSeconds:F0} s; output {_outputCap / 1024} KiB; pass needs the run-to-the-end token"
        + (RunCgroup.Available ? $"; per-run cgroup: {_memoryBytes >> 20} MiB and {_maxProcesses} processes for all its processes together" : "")
        : $"NOT ISOLATED (--allow-unisolated-code): own session; prlimit: address space {_memoryBytes >> 20} MiB, CPU {CpuSeconds} s, files 16 MiB; wall clock {_timeout.TotalSeconds:F0} s; output {_outputCap / 1024} KiB; pass needs the run-to-the-end token";

    private int CpuSeconds => (int)Math.Ceiling(_timeout.TotalSeconds) + 1;

    /// <summary>The Python interpreter: Debian's (what the sandbox mounts), else python3 on PATH.</summary>
    public static string Python => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    /// <summary>Runs <paramref name="program"/> and cleans up its folder.</summary>
    public SandboxResult Run(string program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var dir = Directory.CreateTempSubdirectory("shear-sandbox-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "program.py"), program);
            File.WriteAllText(Path.Combine(dir, "run.py"), Wrapper);
            if (OperatingSystem.IsLinux())
            {
                // Read-only for everyone: the sandbox (nobody, as root) binds the files; nothing may change them.
                File.SetUnixFileMode(Path.Combine(dir, "program.py"), UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                File.SetUnixFileMode(Path.Combine(dir, "run.py"), UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }

            return Execute(dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private SandboxResult Execute(string dir)
    {
        // The run's memory and process budget as one group (root, cgroup v1): all its processes together.
        using var cgroup = _isolated ? RunCgroup.Create(_memoryBytes, _maxProcesses + 4) : null;
        var start = new ProcessStartInfo(cgroup is null ? "setsid" : "/bin/sh") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        if (cgroup is not null)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(string.Concat(cgroup.ProcsFiles.Select(f => $"echo $$ > {f} && ")) + "exec setsid \"$@\"");
            start.ArgumentList.Add("sh");
        }

        foreach (var arg in Command(dir))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/bin:/bin";
        start.Environment["HOME"] = _isolated ? "/tmp" : dir;
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        using var process = Process.Start(start)!;
        var output = new CappedText(_outputCap);
        var readOut = process.StandardOutput.BaseStream.CopyToAsync(output);
        var readErr = process.StandardError.BaseStream.CopyToAsync(output);
        try
        {
            process.StandardInput.WriteLine(token);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // the program ended (or closed its stdin) before reading the token: it cannot pass
        }

        bool exited = process.WaitForExit(_timeout);
        if (!exited)
        {
            _ = Kill(-process.Id, 9); // the whole session's process group; bubblewrap's pid namespace dies with it
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        Task.WaitAll([readOut, readErr], TimeSpan.FromSeconds(5));
        return Verdict(exited, exited ? process.ExitCode : -1, output, token);
    }

    private static SandboxResult Verdict(bool exited, int exitCode, CappedText output, string token)
    {
        var text = output.Text;
        var marker = "\n" + token + "\n";
        bool ranToEnd = output.Tail.EndsWith(marker, StringComparison.Ordinal);
        if (text.EndsWith(marker, StringComparison.Ordinal))
        {
            text = text[..^marker.Length];
        }

        if (!exited)
        {
            return new SandboxResult(SandboxOutcome.TimedOut, -1, text);
        }

        if (exitCode == 0 && !ranToEnd)
        {
            return new SandboxResult(SandboxOutcome.Failed, 0, text + "\n[shear: exited 0 before its code ran to the end: not a pass]");
        }

        return new SandboxResult(exitCode == 0 ? SandboxOutcome.Passed : SandboxOutcome.Failed, exitCode, text);
    }

    private IEnumerable<string> Command(string dir)
    {
        string script = "run.py";
        if (_isolated)
        {
            foreach (var arg in Bubblewrap(dir))
            {
                yield return arg;
            }

            script = "/run/shear/run.py";
        }

        yield return "prlimit";
        yield return $"--as={_memoryBytes}";
        yield return $"--cpu={CpuSeconds}";
        yield return $"--fsize={16 << 20}";
        yield return "--nofile=64";
        yield return $"--nproc={_maxProcesses}";
        yield return "--";
        yield return Python;
        yield return "-I"; // isolated: no user site, no PYTHON* variables, script dir not on sys.path
        yield return "-B";
        yield return script;
    }

    private IEnumerable<string> Bubblewrap(string dir) => Isolating(_diskBytes,
        ["--ro-bind", Path.Combine(dir, "program.py"), "/run/shear/program.py", "--ro-bind", Path.Combine(dir, "run.py"), "/run/shear/run.py"]);

    // The isolation every run gets, up to the command (and what the probe checks): as root first nobody (the process
    // limit does not hold for a real uid of root), then bubblewrap with the run's files bound read-only.
    private static IEnumerable<string> Isolating(long diskBytes, string[] binds)
    {
        var prefix = IsRoot ? new[] { "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--" } : [];
        string[] args =
        [
            "bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
            "--ro-bind-try", "/etc/alternatives", "/etc/alternatives", "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
            "--proc", "/proc", "--dev", "/dev", "--size", (16 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), "--tmpfs", "/dev/shm", "--remount-ro", "/dev",
            "--size", diskBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), "--tmpfs", "/tmp",
        ];
        string[] rest =
        [
            "--remount-ro", "/", "--chdir", "/tmp", "--clearenv", "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", "/tmp", "--setenv", "PYTHONDONTWRITEBYTECODE", "1", "--",
        ];
        return prefix.Concat(args).Concat(binds).Concat(rest);
    }

    // One trivial program through the same isolation as the runs: null when it works, else why not.
    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "bubblewrap needs Linux";
        }

        try
        {
            var args = Isolating(1 << 20, []).Append("/usr/bin/true").ToList();
            var start = new ProcessStartInfo(args[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args.Skip(1))
            {
                start.ArgumentList.Add(a);
            }

            using var p = Process.Start(start)!;
            var err = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                p.Kill(entireProcessTree: true);
                return "bubblewrap did not answer within 20 s";
            }

            return p.ExitCode == 0 ? null : $"bubblewrap failed: {err.Result.Trim().ReplaceLineEndings(" ")}";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "bubblewrap (bwrap) is not installed";
        }
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
