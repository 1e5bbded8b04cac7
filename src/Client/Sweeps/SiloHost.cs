using Shear.Grains.Connection;
using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Shear.Client.Sweeps;

/// <summary>
/// A silo host process started by the console (<c>shear demo</c>): localhost clustering and memory storage on free
/// loopback ports, its output in a log file, stopped with SIGTERM (it hands its work back and exits), and stopping by
/// itself if this process dies.
/// </summary>
internal sealed partial class SiloHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private SiloHost(Process process, StreamWriter log, string gateway, string clusterId, string logPath) =>
        (_process, _log, Gateway, ClusterId, LogPath) = (process, log, gateway, clusterId, logPath);

    /// <summary>The gateway address (<c>127.0.0.1:PORT</c>).</summary>
    public string Gateway { get; }

    public string ClusterId { get; }

    /// <summary>Where the silo's output goes.</summary>
    public string LogPath { get; }

    /// <summary>
    /// The silo host's entry assembly: <c>SHEAR_SILO</c>, else <c>shear-silo.dll</c> published beside this program (the
    /// client image), else the one built with this program (the solution's <c>src/Silo</c>).
    /// </summary>
    /// <exception cref="FileNotFoundException">None of them exists (what to build is named).</exception>
    public static string Executable()
    {
        var built = typeof(SiloHost).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "ShearSiloPath")?.Value;
        var candidates = new[] { Environment.GetEnvironmentVariable("SHEAR_SILO"), Path.Combine(AppContext.BaseDirectory, "shear-silo.dll"), built };
        return candidates.FirstOrDefault(c => !string.IsNullOrEmpty(c) && File.Exists(c))
            ?? throw new FileNotFoundException($"the silo host is not built (looked for {string.Join(", ", candidates.Where(c => !string.IsNullOrEmpty(c)))}): run dotnet build Cluster.sln, or set SHEAR_SILO to shear-silo.dll");
    }

    /// <summary>Starts a silo and waits until it is active (its health endpoint says so) within <paramref name="timeout"/>.</summary>
    /// <exception cref="InvalidOperationException">It exited or did not become ready (the log is named).</exception>
    public static async Task<SiloHost> Start(string clusterName, TimeSpan timeout, CancellationToken cancel)
    {
        var dll = Executable();
        int silo = ClusterSettings.FreePort(), gateway = ClusterSettings.FreePort(), health = ClusterSettings.FreePort();
        var clusterId = $"{clusterName}-{Guid.NewGuid():N}";
        var logPath = Path.Combine(Path.GetTempPath(), $"shear-{clusterName}-silo-{Environment.ProcessId}.log");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[]
        {
            dll, $"--Shear:ClusterId={clusterId}", $"--Shear:SiloPort={silo}", $"--Shear:GatewayPort={gateway}", $"--Shear:HealthPort={health}",
            "--Shear:PrometheusPort=0", $"--Shear:ParentPid={Environment.ProcessId}",
        })
        {
            info.ArgumentList.Add(a);
        }

        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet for the silo host");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new SiloHost(process, log, $"127.0.0.1:{gateway}", clusterId, logPath);
        try
        {
            await host.WaitReady(health, timeout, cancel);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // the silo printed after we closed its log
            }
        }
    }

    private async Task WaitReady(int health, TimeSpan timeout, CancellationToken cancel)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the silo host exited with code {_process.ExitCode} while starting (its log: {LogPath})");
            }

            try
            {
                var response = await http.GetAsync(new Uri($"http://127.0.0.1:{health}/healthz/ready"), cancel);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancel.IsCancellationRequested)
            {
                // not listening yet
            }

            await Task.Delay(250, cancel);
        }

        throw new InvalidOperationException($"the silo host was not ready within {timeout.TotalSeconds:F0} s (its log: {LogPath})");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, 15); // SIGTERM: a graceful shutdown
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }

        bool clean = _process.ExitCode == 0;
        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }

        if (clean)
        {
            File.Delete(LogPath); // kept only when the silo failed
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
