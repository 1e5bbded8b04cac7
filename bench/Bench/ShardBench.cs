using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shear.Grains.Abstractions;
using Shear.Grains.Connection;
using Shear.Grains.Hosting;
using Shear.Numerics.Experiment;

namespace Shear.Bench;

/// <summary>
/// One prune job on silo processes (Redis on loopback), once per shard count: wall time, each silo's device-worker busy
/// seconds and the statistics and activation bytes it sent (scraped from the silos' Prometheus endpoints before and
/// after), Orleans long-turn warnings in the silos' logs, and whether the client followed the sweep to its end.
/// </summary>
internal static class ShardBench
{
    public static async Task<int> Run(string model, int silos, IReadOnlyList<int> shardCounts, int nsamples, int seqlen, int tokenBudget, string method)
    {
        var root = Path.Combine(Path.GetTempPath(), "shear-shard-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var siloDll = Path.GetFullPath(Path.Combine("src", "Silo", "bin", "Release", "net10.0", "shear-silo.dll"));
        var processes = new List<Process>();
        var logs = new List<List<string>>();
        var siloProcesses = new List<Process>();
        try
        {
            int redisPort = ClusterSettings.FreePort();
            processes.Add(TwoSiloBench.Start("redis-server", $"--port {redisPort} --bind 127.0.0.1 --save \"\" --appendonly no --dir {root}"));
            var redis = $"127.0.0.1:{redisPort}";
            var clusterId = $"shards-{Guid.NewGuid():N}";
            await Task.Delay(500);
            var health = Enumerable.Range(0, silos).Select(_ => ClusterSettings.FreePort()).ToArray();
            var metrics = Enumerable.Range(0, silos).Select(_ => ClusterSettings.FreePort()).ToArray();
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < silos; i++)
            {
                var log = new List<string>();
                logs.Add(log);
                siloProcesses.Add(Logged(log, TwoSiloBench.SiloArguments(siloDll, redis, clusterId, health[i], metrics[i])));
                processes.Add(siloProcesses[^1]);
            }

            await Task.WhenAll(health.Select(h => TwoSiloBench.Ready(h, clock)));
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            builder.UseOrleansClient(c => c.UseShearCluster(new ClusterSettings { Redis = redis, ClusterId = clusterId }, null, TimeSpan.FromMinutes(30)));
            using var host = builder.Build();
            await host.StartAsync();
            var client = host.Services.GetRequiredService<IClusterClient>();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"model {model}; {method} 50%, {nsamples} x {seqlen} tokens in batches of {tokenBudget} tokens; {silos} silo process(es) on {Environment.ProcessorCount} cores"));
            Console.WriteLine("| shards | wall s | CPU s per silo process | device-worker busy s per silo | job's serial step s/layer | whole mask step s/layer | statistics MB sent | activation MB sent | long-turn warnings |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
            foreach (int shards in shardCounts)
            {
                var before = await Scrape(metrics);
                var cpuBefore = siloProcesses.Select(p => p.TotalProcessorTime.TotalSeconds).ToArray();
                int warningsBefore = logs.Sum(l => l.Count(IsLongTurn));
                var spec = new SweepSpec([Path.GetFullPath(model)], [CalibrationSet.Parse("builtin_text")], [MethodChoice.Parse(method)], [SparsityPattern.Unstructured(0.5)], [], nsamples, seqlen, 0,
                    new EvalSettings(), Path.Combine(root, $"r{shards}"), Path.GetFullPath("data")) { Shards = shards, TokenBudget = tokenBudget, Keep = KeepMode.Checkpoints };
                var sweep = client.GetGrain<ISweepGrain>($"bench-r{shards}");
                var wall = Stopwatch.StartNew();
                await sweep.Submit(spec);
                SweepStatus? status;
                do
                {
                    await Task.Delay(1000);
                    status = await sweep.GetStatus();
                }
                while (status!.State is WorkState.Running or WorkState.Pending);

                double seconds = wall.Elapsed.TotalSeconds;
                var after = await Scrape(metrics);
                var cpu = string.Join(" / ", siloProcesses.Select((p, i) => (p.TotalProcessorTime.TotalSeconds - cpuBefore[i]).ToString("F1", CultureInfo.InvariantCulture)));
                string Delta(string name, double scale, string format) => string.Join(" / ",
                    Enumerable.Range(0, silos).Select(i => ((after[i].GetValueOrDefault(name) - before[i].GetValueOrDefault(name)) / scale).ToString(format, CultureInfo.InvariantCulture)));
                // The job's serial step per layer (reduce, masks where they are computed, apply, write), from its pruning.json.
                var layers = Directory.GetFiles(Path.Combine(root, $"r{shards}"), "pruning.json", SearchOption.AllDirectories)
                    .SelectMany(f => System.Text.Json.JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("layers").EnumerateArray())
                    .Select(l => (Serial: l.GetProperty("serial_seconds").GetDouble(), Mask: l.GetProperty("mask_seconds").GetDouble())).ToList();
                double serial = layers.Count > 0 ? layers.Average(l => l.Serial) : double.NaN, mask = layers.Count > 0 ? layers.Average(l => l.Mask) : double.NaN;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {shards} | {seconds:F1} | {cpu} | {Delta("shear_compute_busy_seconds_total", 1, "F1")} | {serial:F2} | {mask:F2} | {Delta("shear_statistics_bytes_total", 1e6, "F2")} | {Delta("shear_activation_bytes_total", 1e6, "F1")} | {logs.Sum(l => l.Count(IsLongTurn)) - warningsBefore} | {status.State} {status.Message}"));
            }

            await host.StopAsync();
            return 0;
        }
        finally
        {
            TwoSiloBench.KillAll(processes);

            foreach (var line in logs.SelectMany(l => l).Where(IsLongTurn).Take(5))
            {
                Console.WriteLine("long turn: " + line);
            }
        }
    }

    private static bool IsLongTurn(string line) => line.Contains("longer than", StringComparison.Ordinal) || line.Contains("long-running", StringComparison.OrdinalIgnoreCase);

    private static Process Logged(List<string> log, string arguments)
    {
        var p = Process.Start(new ProcessStartInfo("dotnet", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        void Add(string? line)
        {
            if (line is not null)
            {
                lock (log)
                {
                    log.Add(line);
                }
            }
        }

        p.OutputDataReceived += (_, e) => Add(e.Data);
        p.ErrorDataReceived += (_, e) => Add(e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static async Task<Dictionary<string, double>[]> Scrape(int[] ports)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var result = new Dictionary<string, double>[ports.Length];
        for (int i = 0; i < ports.Length; i++)
        {
            var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{ports[i]}/metrics"));
            result[i] = [];
            foreach (var line in text.Split('\n').Where(l => l.StartsWith("shear_", StringComparison.Ordinal)))
            {
                var name = line.Split('{', ' ')[0];
                int close = line.LastIndexOf('}');
                var value = (close >= 0 ? line[(close + 1)..] : line[name.Length..]).Trim().Split(' ')[0]; // NAME{LABELS} VALUE [TIMESTAMP]
                if (double.TryParse(value, CultureInfo.InvariantCulture, out double v))
                {
                    result[i][name] = result[i].GetValueOrDefault(name) + v;
                }
            }
        }

        return result;
    }
}
