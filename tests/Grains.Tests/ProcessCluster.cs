using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shear.Grains.Connection;
using Shear.Grains.Abstractions;
using Shear.Grains.Hosting;

namespace Shear.Grains.Tests;

/// <summary>
/// A real cluster for the multi-process tests: redis-server (AOF persistence, as the k8s manifest runs it), silo
/// processes on free loopback ports (each with its Prometheus endpoint) and a connected client.
/// </summary>
internal sealed class ProcessCluster : IAsyncDisposable
{
    private readonly IHost _client;

    private ProcessCluster(Processes processes, string root, int redisPort, string clusterId, System.Diagnostics.Process[] silos, int[] metrics, IHost client)
    {
        (Processes, Root, RedisPort, ClusterId, Silos, MetricsPorts, _client) = (processes, root, redisPort, clusterId, silos, metrics, client);
    }

    public string ClusterId { get; }

    public Processes Processes { get; }

    public string Root { get; }

    public int RedisPort { get; }

    public System.Diagnostics.Process[] Silos { get; }

    /// <summary>Each silo's Prometheus port.</summary>
    public int[] MetricsPorts { get; }

    public IClusterClient Client => _client.Services.GetRequiredService<IClusterClient>();

    /// <summary>Starts Redis and <paramref name="silos"/> silo processes, waits until every silo sees them all, connects a client.</summary>
    public static async Task<ProcessCluster> Start(string name, int silos)
    {
        if (Processes.RedisServer is null)
        {
            Assert.Skip("redis-server missing: sudo apt-get install redis-server (.ci/run installs it)");
        }

        var ct = TestContext.Current.CancellationToken;
        var root = Paths.TempDir();
        var processes = new Processes();
        int redisPort = ClusterSettings.FreePort();
        processes.Redis(redisPort, root);
        var redis = $"127.0.0.1:{redisPort}";
        var clusterId = $"{name}-{Guid.NewGuid():N}";
        int[] health = new int[silos], metrics = new int[silos];
        await Task.Delay(500, ct);
        var started = new System.Diagnostics.Process[silos];
        for (int i = 0; i < silos; i++)
        {
            (health[i], metrics[i]) = (ClusterSettings.FreePort(), ClusterSettings.FreePort());
            started[i] = processes.Silo(redis, clusterId, ClusterSettings.FreePort(), ClusterSettings.FreePort(), health[i], metrics[i], Path.Combine(root, $"silo{i}.log"));
        }

        foreach (var port in health)
        {
            await Processes.WaitReady(port, silos, TimeSpan.FromSeconds(90));
        }

        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(c => c.UseShearCluster(new ClusterSettings { Redis = redis, ClusterId = clusterId }, null, TimeSpan.FromSeconds(30)));
        var client = builder.Build();
        await client.StartAsync(ct);
        return new ProcessCluster(processes, root, redisPort, clusterId, started, metrics, client);
    }

    /// <summary>Follows a sweep to its end, riding out calls to a lost silo (its grains come back on a live one).</summary>
    public static async Task<SweepStatus> Follow(ISweepGrain sweep, TimeSpan limit)
    {
        SweepStatus? status = null;
        var until = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < until)
        {
            try
            {
                status = await sweep.GetStatus();
                if (status!.State is not WorkState.Running)
                {
                    break;
                }
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                // the sweep's silo may be the dead one
            }

            await Task.Delay(500, TestContext.Current.CancellationToken);
        }

        return status ?? throw new TimeoutException("the sweep never answered");
    }

    /// <summary>A counter's value on one silo's Prometheus endpoint (0 when it has not been incremented there).</summary>
    public async Task<double> Counter(int silo, string name)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var scrape = await http.GetStringAsync(new Uri($"http://127.0.0.1:{MetricsPorts[silo]}/metrics"), TestContext.Current.CancellationToken);
        return scrape.Split('\n').Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _client.StopAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or OperationCanceledException)
        {
            // a silo may be gone already
        }

        _client.Dispose();
        Processes.Dispose();
    }
}
