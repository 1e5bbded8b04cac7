using System.Diagnostics;

namespace Shear.Grains.Tests;

/// <summary>Child processes for the multi-process tests: redis-server and silo hosts on free loopback ports.</summary>
internal sealed class Processes : IDisposable
{
    private readonly List<Process> _all = [];

    public static string? RedisServer => new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);

    /// <summary>The silo host built with the solution (same configuration as this test assembly).</summary>
    public static string SiloDll
    {
        get
        {
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<Configuration>/net10.0
            var dll = Path.Combine(Paths.Repo, "src", "Silo", "bin", configuration, "net10.0", "shear-silo.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"{dll} not built (dotnet build Cluster.sln)");
        }
    }

    /// <summary>The shear console built with the solution.</summary>
    public static string ShearDll => Path.Combine(Path.GetDirectoryName(SiloDll)!.Replace(Path.Combine("src", "Silo"), Path.Combine("src", "Client"), StringComparison.Ordinal), "shear.dll");

    /// <summary>Runs the shear console to its end: exit code and stderr.</summary>
    public static (int Code, string Err) Shear(TimeSpan limit, params string[] args)
    {
        var (code, _, err) = ShearWithOutput(limit, args);
        return (code, err);
    }

    /// <summary>Runs the shear console to its end: exit code, stdout and stderr.</summary>
    public static (int Code, string Out, string Err) ShearWithOutput(TimeSpan limit, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(ShearDll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(limit))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"shear {string.Join(' ', args)} ran past {limit.TotalSeconds:F0} s");
        }

        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public Process Start(string file, string arguments, string? log = null)
    {
        var info = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var p = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var sink = log is null ? null : new StreamWriter(log, append: true) { AutoFlush = true };
        p.OutputDataReceived += (_, e) => { lock (_all) { sink?.WriteLine(e.Data); } };
        p.ErrorDataReceived += (_, e) => { lock (_all) { sink?.WriteLine(e.Data); } };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _all.Add(p);
        return p;
    }

    private Process? _redis;

    /// <summary>redis-server with its data in an append-only file synced on every write (as the k8s manifest runs it); a restart on the same folder reloads it.</summary>
    public Process Redis(int port, string dir)
    {
        _redis = Start(RedisServer!, $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly yes --appendfsync always --dir {dir}", Path.Combine(dir, "redis.log"));
        return _redis;
    }

    /// <summary>Stops the last started redis-server as a crash would (SIGKILL; the append-only file has every write).</summary>
    public void StopRedis()
    {
        _redis?.Kill();
        _redis?.WaitForExit();
    }

    public Process Silo(string redis, string clusterId, int siloPort, int gatewayPort, int healthPort, int prometheusPort, string log) =>
        Start("dotnet", $"{SiloDll} --Shear:Redis={redis} --Shear:ClusterId={clusterId} --Shear:SiloPort={siloPort} --Shear:GatewayPort={gatewayPort} " +
            $"--Shear:HealthPort={healthPort} --Shear:PrometheusPort={prometheusPort} --Shear:AdvertisedAddress=127.0.0.1", log);

    public Process LocalSilo(int siloPort, int gatewayPort, int healthPort, int prometheusPort, string log) =>
        Start("dotnet", $"{SiloDll} --Shear:ClusterId=local-{Guid.NewGuid():N} --Shear:SiloPort={siloPort} --Shear:GatewayPort={gatewayPort} " +
            $"--Shear:HealthPort={healthPort} --Shear:PrometheusPort={prometheusPort}", log);

    /// <summary>Waits until the silo's health endpoint reports <paramref name="members"/> active members.</summary>
    public static async Task WaitReady(int healthPort, int members, TimeSpan limit)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var until = DateTime.UtcNow + limit;
        string last = "";
        while (DateTime.UtcNow < until)
        {
            try
            {
                var response = await http.GetAsync(new Uri($"http://127.0.0.1:{healthPort}/healthz/ready"));
                last = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode && last.Split("\"S127.0.0.1").Length - 1 >= members)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"silo with health port {healthPort} not ready with {members} members: {last}");
    }

    public void Dispose()
    {
        foreach (var p in _all)
        {
            try
            {
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                    p.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            p.Dispose();
        }
    }
}
