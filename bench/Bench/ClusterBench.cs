using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shear.Grains;
using Shear.Grains.Abstractions;
using Shear.Grains.Connection;
using Shear.Grains.Hosting;
using Shear.Numerics.Experiment;
using Shear.Numerics.Pruning;

namespace Shear.Bench;

/// <summary>
/// A prune of the tiny model through the grains (one in-process silo: the job grain and one shard grain) against the single-process <c>shear prune</c> of the same spec; and the silo's start-up time.
/// </summary>
internal static class ClusterBench
{
    public static async Task<int> Run(string model, string data)
    {
        var root = Path.Combine(Path.GetTempPath(), "shear-cluster-bench", Guid.NewGuid().ToString("N"));
        var spec = new SweepSpec([Path.GetFullPath(model)], [CalibrationSet.Parse("builtin_text")], [new(PruningMethod.Wanda), new(PruningMethod.SparseGpt)], [SparsityPattern.Unstructured(0.5)], [], 128, 256, 0,
            new EvalSettings(), Path.Combine(root, "grains"), Path.GetFullPath(data)) { Keep = KeepMode.Checkpoints };
        var jobs = SweepPlan.Jobs("bench", spec);
        var local = new Dictionary<string, double>();
        foreach (var job in jobs)
        {
            var clock = Stopwatch.StartNew();
            LocalPruneJob.Run(JobSpecs.Request(job with { Output = Path.Combine(root, "local", Path.GetFileName(job.Output)) }));
            local[job.JobId] = clock.Elapsed.TotalSeconds;
        }

        var settings = new ClusterSettings { ClusterId = "bench", SiloPort = ClusterSettings.FreePort(), GatewayPort = ClusterSettings.FreePort() };
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo => silo.UseShearCluster(settings));
        using var host = builder.Build();
        var start = Stopwatch.StartNew();
        await host.StartAsync();
        double startup = start.Elapsed.TotalSeconds;
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        Console.WriteLine($"model {model}, 128 samples x 256 tokens of builtin_text, threads {TorchSharp.torch.get_num_threads()}; silo start-up {startup:F2} s");
        Console.WriteLine("| method | shear prune (s) | grains, one silo (s) | ratio |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var job in jobs)
        {
            var clock = Stopwatch.StartNew();
            var grain = grains.GetGrain<IPruneJobGrain>(job.JobId);
            var progress = await grain.Start(job);
            while (progress.State is WorkState.Running or WorkState.Pending)
            {
                await Task.Delay(100);
                progress = (await grain.GetProgress())!;
            }

            double seconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {job.Method} | {local[job.JobId]:F2} | {seconds:F2} | {seconds / local[job.JobId]:F2} |"));
        }

        await host.StopAsync();
        Directory.Delete(root, recursive: true);
        return 0;
    }
}
