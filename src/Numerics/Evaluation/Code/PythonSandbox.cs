using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Shear.Numerics.Evaluation.Code;

/// <summary>
/// Runs one generated Python program in its own process and fresh temp folder, with a wall-clock timeout and, as
/// root on Linux: no network (<c>unshare -n</c>), an unprivileged user (<c>setpriv</c> to nobody), limits on address
/// space, CPU seconds, processes, open files and file size (<c>prlimit</c>), its own session so the whole group is
/// killed at the timeout, and output capped. <see cref="Isolation"/> says what is in force.
/// </summary>
public sealed partial class PythonSandbox(TimeSpan timeout, long memoryBytes = 1L << 30, int maxProcesses = 64, int outputCap = 64 * 1024)
{
    private static readonly bool IsRoot = OperatingSystem.IsLinux() && Environment.UserName == "root";

    /// <summary>The isolation this sandbox applies on this machine, in words.</summary>
    public string Isolation => IsRoot
        ? $"own session; no network (unshare -n); user nobody (setpriv); prlimit: address space {memoryBytes >> 20} MiB, {maxProcesses} processes, CPU {CpuSeconds} s, files 16 MiB, 64 open files; wall clock {timeout.TotalSeconds:F0} s; output {outputCap / 1024} KiB"
        : $"own session; prlimit: address space {memoryBytes >> 20} MiB, CPU {CpuSeconds} s, files 16 MiB; wall clock {timeout.TotalSeconds:F0} s; output {outputCap / 1024} KiB (not root: network and user are not isolated)";

    private int CpuSeconds => (int)Math.Ceiling(timeout.TotalSeconds) + 1;

    /// <summary>The Python interpreter: Debian's, readable by nobody, else python3 on PATH.</summary>
    public static string Python => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    /// <summary>Runs <paramref name="program"/> and cleans up its folder.</summary>
    public SandboxResult Run(string program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var dir = Directory.CreateTempSubdirectory("shear-sandbox-").FullName;
        try
        {
            var file = Path.Combine(dir, "program.py");
            File.WriteAllText(file, program);
            if (OperatingSystem.IsLinux())
            {
                File.SetUnixFileMode(dir, (UnixFileMode)0x1FF); // rwxrwxrwx: the unprivileged user works here
                File.SetUnixFileMode(file, (UnixFileMode)0x1A4); // rw-r--r--
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
        var start = new ProcessStartInfo("setsid") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in Command())
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/bin:/bin";
        start.Environment["HOME"] = dir;
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = new CappedText(outputCap);
        var readOut = process.StandardOutput.BaseStream.CopyToAsync(output);
        var readErr = process.StandardError.BaseStream.CopyToAsync(output);
        bool exited = process.WaitForExit(timeout);
        if (!exited)
        {
            _ = Kill(-process.Id, 9); // the whole session's process group
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        Task.WaitAll([readOut, readErr], TimeSpan.FromSeconds(5));
        return !exited ? new SandboxResult(SandboxOutcome.TimedOut, -1, output.Text)
            : new SandboxResult(process.ExitCode == 0 ? SandboxOutcome.Passed : SandboxOutcome.Failed, process.ExitCode, output.Text);
    }

    private IEnumerable<string> Command()
    {
        if (IsRoot)
        {
            yield return "unshare";
            yield return "-n";
            yield return "--";
            yield return "setpriv";
            yield return "--reuid=65534";
            yield return "--regid=65534";
            yield return "--clear-groups";
            yield return "--";
        }

        yield return "prlimit";
        yield return $"--as={memoryBytes}";
        yield return $"--cpu={CpuSeconds}";
        yield return $"--fsize={16 << 20}";
        yield return "--nofile=64";
        if (IsRoot)
        {
            yield return $"--nproc={maxProcesses}";
        }

        yield return "--";
        yield return Python;
        yield return "-I"; // isolated: no user site, no PYTHON* variables, script dir not on sys.path
        yield return "-B";
        yield return "program.py";
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);

    /// <summary>Keeps the first bytes written to it, drops the rest (so a program printing gigabytes cannot fill memory).</summary>
    private sealed class CappedText(int cap) : Stream
    {
        private readonly MemoryStream _kept = new();
        private readonly Lock _gate = new();

        public string Text
        {
            get
            {
                lock (_gate)
                {
                    return Encoding.UTF8.GetString(_kept.ToArray());
                }
            }
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _kept.Length;

        public override long Position { get => _kept.Length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (_gate)
            {
                int room = (int)Math.Max(0, cap - _kept.Length);
                _kept.Write(buffer, offset, Math.Min(room, count));
            }
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
