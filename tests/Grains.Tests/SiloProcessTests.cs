using Shear.Grains.Connection;
using System.Net;
using Shear.Grains.Telemetry;

namespace Shear.Grains.Tests;

/// <summary>The silo host as a process: health and Prometheus endpoints on loopback, and a used port refused.</summary>
public sealed class SiloProcessTests
{
    [Fact]
    public async Task ServesHealthAndMetricsAndRefusesAUsedPort()
    {
        var root = Paths.TempDir();
        using var processes = new Processes();
        int silo = ClusterSettings.FreePort(), gateway = ClusterSettings.FreePort(), health = ClusterSettings.FreePort(), metrics = ClusterSettings.FreePort();
        processes.LocalSilo(silo, gateway, health, metrics, Path.Combine(root, "silo.log"));
        await Processes.WaitReady(health, 1, TimeSpan.FromSeconds(60));

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var ready = await http.GetAsync(new Uri($"http://127.0.0.1:{health}/healthz/ready"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains($"\"S127.0.0.1:{silo}:", await ready.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        var live = await http.GetAsync(new Uri($"http://127.0.0.1:{health}/healthz/live"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);

        var scrape = await http.GetStringAsync(new Uri($"http://127.0.0.1:{metrics}/metrics"), TestContext.Current.CancellationToken);
        // Shear's gauges exist from the start (its counters appear with their first increment); Orleans' meter is there too.
        foreach (var gauge in new[] { "shear_work_running", "shear_sweep_progress_ratio" })
        {
            Assert.Contains(gauge, ShearTelemetry.PrometheusNames);
            Assert.Contains($"\n{gauge}{{", "\n" + scrape, StringComparison.Ordinal);
        }

        // A CPU silo has no GPU to report: no made-up free-memory figure.
        Assert.Contains("shear_gpu_free_memory_bytes", ShearTelemetry.PrometheusNames);
        Assert.DoesNotContain("\nshear_gpu_free_memory_bytes{", "\n" + scrape, StringComparison.Ordinal);

        Assert.Contains("orleans_", scrape, StringComparison.Ordinal);

        // A second silo on the same ports is refused before it can make the first one step down.
        var second = processes.LocalSilo(silo, gateway, ClusterSettings.FreePort(), 0, Path.Combine(root, "second.log"));
        Assert.True(second.WaitForExit(60_000));
        Assert.Equal(2, second.ExitCode);
        Assert.Contains($"silo port {silo} is already in use", await File.ReadAllTextAsync(Path.Combine(root, "second.log"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
        ready = await http.GetAsync(new Uri($"http://127.0.0.1:{health}/healthz/ready"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode); // the first silo is still up
    }

    [Theory]
    [InlineData("cuda", "error: Shear:Devices=cuda: cuda: the libtorch in use is the CPU build (no CUDA); ")]
    [InlineData("cuda:7", "error: Shear:Devices=cuda:7: cuda:7: the libtorch in use is the CPU build (no CUDA); ")]
    [InlineData("tpu", "error: Shear:Devices=tpu: tpu: expected auto, cpu, cuda or cuda:N")]
    public async Task ABadDeviceSettingIsOneLineAndExitCode2(string devices, string message)
    {
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Processes.SiloDll, $"--Shear:Devices={devices}", "--Shear:SiloPort=0", "--Shear:HealthPort=0", "--Shear:PrometheusPort=0" })
        {
            info.ArgumentList.Add(a);
        }

        using var p = System.Diagnostics.Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = await p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        Assert.True(p.WaitForExit(60_000));
        Assert.Equal(2, p.ExitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(message, line, StringComparison.Ordinal);
        Assert.Empty(await stdout);
    }
}
