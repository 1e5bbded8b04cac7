using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.Placement;
using Shear.Grains.Abstractions;
using Shear.Grains.Connection;
using Shear.Grains.Hosting;
using Shear.Numerics.Experiment;

namespace Shear.Bench;

/// <summary>
/// Two silo processes on Redis (loopback): silo start-up, activation throughput silo to silo (data plane and chunked
/// grain messages) against a plain socket copy in the same run, membership during a sustained transfer, and eval shard
/// scheduling over the two silos.
/// </summary>
internal static class TwoSiloBench
{
    public static async Task<int> Run(string model, string data)
    {
        var root = Path.Combine(Path.GetTempPath(), "shear-two-silo-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var silo = Path.GetFullPath(Path.Combine("src", "Silo", "bin", "Release", "net10.0", "shear-silo.dll"));
        var processes = new List<Process>();
        try
        {
            int redisPort = ClusterSettings.FreePort();
            processes.Add(Start("redis-server", $"--port {redisPort} --bind 127.0.0.1 --save \"\" --appendonly no --dir {root}"));
            var redis = $"127.0.0.1:{redisPort}";
            var clusterId = $"bench-{Guid.NewGuid():N}";
            await Task.Delay(500);
            var health = new[] { ClusterSettings.FreePort(), ClusterSettings.FreePort() };
            var clock = Stopwatch.StartNew();
            foreach (var h in health)
            {
                processes.Add(Start("dotnet", SiloArguments(silo, redis, clusterId, h, 0)));
            }

            var ready = await Task.WhenAll(health.Select(h => Ready(h, clock)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"silo start-up (process start to ready, both started together on 2 cores): {ready[0]:F1} s, {ready[1]:F1} s"));

            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            builder.UseOrleansClient(c => c.UseShearCluster(new ClusterSettings { Redis = redis, ClusterId = clusterId }, null, TimeSpan.FromMinutes(10)));
            using var host = builder.Build();
            await host.StartAsync();
            var client = host.Services.GetRequiredService<IClusterClient>();
            var management = client.GetGrain<IManagementGrain>(0);
            var silos = (await management.GetHosts(onlyActive: true)).Keys.OrderBy(s => s.ToString(), StringComparer.Ordinal).ToArray();
            IProbeGrain Probe(string key, SiloAddress where)
            {
                RequestContext.Set(IPlacementDirector.PlacementHintKey, where);
                return client.GetGrain<IProbeGrain>(key);
            }

            var a = Probe("a", silos[0]);
            var whereA = await a.Where();
            var b = Probe("b", silos[1]);
            var whereB = await b.Where();
            RequestContext.Clear();
            Console.WriteLine($"probe a on {whereA}, probe b on {whereB}");

            const int Size = 256 << 20; // one batch of 16k tokens x 4096 x fp32
            await a.Send("b", Size, 1, true); // warm the pooled buffer and the connection path
            double plane = 8.0 * Size / await a.Send("b", Size, 8, true) / 1e9;
            double chunked = 4.0 * Size / await a.Send("b", Size, 4, false) / 1e9;
            double socket = 4.0 * Size / SocketCopy(Size, 4) / 1e9;
            Console.WriteLine("| path, silo process to silo process (256 MB blobs) | GB/s | of the socket |");
            Console.WriteLine("|---|---|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| plain socket copy (this process, same run) | {socket:F2} | 1.00 |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| data plane (handle in a grain call, fetch into a pooled buffer) | {plane:F2} | {plane / socket:F2} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| chunked grain messages (4 MB, immutable) | {chunked:F2} | {chunked / socket:F2} |"));

            // Membership while one silo streams to the other for 30 s (data plane, then chunked messages).
            foreach (var useDataPlane in new[] { true, false })
            {
                int drops = 0, polls = 0;
                long sent = 0;
                var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
                var load = Task.Run(async () =>
                {
                    while (DateTime.UtcNow < until)
                    {
                        await a.Send("b", Size, 1, useDataPlane);
                        Interlocked.Add(ref sent, Size);
                    }
                });
                while (!load.IsCompleted)
                {
                    polls++;
                    drops += (await management.GetHosts(onlyActive: true)).Count < 2 ? 1 : 0;
                    await Task.Delay(1000);
                }

                await load;
                var dead = (await management.GetHosts(onlyActive: false)).Count(h => h.Value != SiloStatus.Active);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"30 s sustained transfer ({(useDataPlane ? "data plane" : "chunked messages")}, {sent / 1e9:F1} GB): {polls} membership polls, {drops} with a silo missing, {dead} silos not active afterwards"));
            }

            // Eval shards over the two silos: 8 perplexity shards placed by the least-busy director.
            var shards = Enumerable.Range(0, 8).Select(i => new EvalShard($"bench/{i}", "dense", Path.GetFullPath(model), EvalDomain.Ppl, new EvalSettings { Limit = 8 }, 0, Path.GetFullPath(data))).ToList();
            var wall = Stopwatch.StartNew();
            var results = await Task.WhenAll(shards.Select(s => client.GetGrain<IEvalGrain>(s.ShardId).Evaluate(s, TimeSpan.FromMilliseconds(200))));
            double seconds = wall.Elapsed.TotalSeconds;
            var bySilo = results.GroupBy(r => r.Silo).Select(g => $"{g.Count()} shards / {g.Sum(r => r.Seconds):F1} s on {g.Key}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"8 eval shards submitted at once: wall {seconds:F1} s; {string.Join("; ", bySilo)} (shard seconds overlap: a silo runs its shards concurrently)"));
            await host.StopAsync();
            return 0;
        }
        finally
        {
            KillAll(processes);
        }
    }

    /// <summary>A silo process on Redis with free silo and gateway ports, advertised on loopback.</summary>
    internal static string SiloArguments(string siloDll, string redis, string clusterId, int healthPort, int prometheusPort) =>
        $"{siloDll} --Shear:Redis={redis} --Shear:ClusterId={clusterId} --Shear:SiloPort={ClusterSettings.FreePort()} " +
        $"--Shear:GatewayPort={ClusterSettings.FreePort()} --Shear:HealthPort={healthPort} --Shear:PrometheusPort={prometheusPort} --Shear:AdvertisedAddress=127.0.0.1";

    internal static void KillAll(IEnumerable<Process> processes)
    {
        foreach (var p in processes)
        {
            try
            {
                p.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
        }
    }

    internal static Process Start(string file, string arguments) =>
        Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true }) is { } p
            ? Drain(p) : throw new InvalidOperationException($"cannot start {file}");

    private static Process Drain(Process p)
    {
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    internal static async Task<double> Ready(int port, Stopwatch clock)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            try
            {
                if ((await http.GetAsync(new Uri($"http://127.0.0.1:{port}/healthz/ready"))).IsSuccessStatusCode)
                {
                    return clock.Elapsed.TotalSeconds;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"silo with health port {port} not ready");
    }

    private static double SocketCopy(int size, int count)
    {
        var data = new byte[size];
        var buffer = new byte[size];
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient { ReceiveBufferSize = 4 << 20, NoDelay = true };
        client.Connect(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var server = listener.AcceptTcpClient();
        server.SendBufferSize = 4 << 20;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            var write = server.GetStream().WriteAsync(data).AsTask();
            client.GetStream().ReadExactly(buffer);
            write.GetAwaiter().GetResult();
        }

        return clock.Elapsed.TotalSeconds;
    }
}
