using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shear.Grains.Abstractions;
using Shear.Grains.Hosting;
using Shear.Numerics.Pruning;

namespace Shear.Grains.Tests;

/// <summary>
/// A real cluster: redis-server (AOF persistence, as the k8s manifest runs it), two silo processes and a client. In the
/// middle of a sweep one silo is killed, or Redis is stopped and restarted with its data; either way the sweep
/// completes with the checkpoints and masks of shear prune.
/// </summary>
public sealed class RedisClusterTests
{
    private sealed record Cluster(Processes Processes, string Root, int RedisPort, System.Diagnostics.Process[] Silos);

    [Fact]
    public Task SweepCompletesWithTheSameMasksWhenASiloIsKilled() => Disrupted("killed", cluster =>
    {
        // Once the first job has finished a layer: the job is between layers or inside layer 1, with a shard on
        // each silo; it goes on with both shards on the live silo, and the later jobs run there too.
        cluster.Silos[1].Kill(entireProcessTree: true);
        return Task.CompletedTask;
    });

    [Fact]
    public Task SweepCompletesWithTheSameMasksWhenRedisRestartsWithItsData() => Disrupted("redis-restart", async cluster =>
    {
        // Redis goes away for a few seconds and comes back from its append-only file; grain-state writes and
        // membership ride it out.
        cluster.Processes.StopRedis();
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        cluster.Processes.Redis(cluster.RedisPort, cluster.Root);
    });

    private static async Task Disrupted(string sweepId, Func<Cluster, Task> disrupt)
    {
        if (Processes.RedisServer is null)
        {
            Assert.Skip("redis-server missing: sudo apt-get install redis-server (.ci/run installs it)");
        }

        var ct = TestContext.Current.CancellationToken;
        var root = Paths.TempDir();
        using var processes = new Processes();
        int redisPort = ClusterSettings.FreePort();
        processes.Redis(redisPort, root);
        var redis = $"127.0.0.1:{redisPort}";
        var clusterId = $"{sweepId}-{Guid.NewGuid():N}";
        int[] silo = [ClusterSettings.FreePort(), ClusterSettings.FreePort()], gateway = [ClusterSettings.FreePort(), ClusterSettings.FreePort()], health = [ClusterSettings.FreePort(), ClusterSettings.FreePort()];
        await Task.Delay(500, ct);
        var silos = Enumerable.Range(0, 2).Select(i => processes.Silo(redis, clusterId, silo[i], gateway[i], health[i], Path.Combine(root, $"silo{i}.log"))).ToArray();
        await Processes.WaitReady(health[0], 2, TimeSpan.FromSeconds(90));
        await Processes.WaitReady(health[1], 2, TimeSpan.FromSeconds(30));

        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(c => c.UseShearCluster(new ClusterSettings { Redis = redis, ClusterId = clusterId }, null, TimeSpan.FromSeconds(30)));
        using var client = builder.Build();
        await client.StartAsync(ct);
        var spec = new SweepSpec([Paths.Model("llama")], [Paths.Calibration], ["wanda", "sparsegpt"], ["unstructured", "2:4"], 0.5, ["ppl"], 8, 24, 0, 1,
            Path.Combine(root, "out"), Path.Combine(Paths.Repo, "data")) { TokenBudget = 64, Shards = 2 }; // 4 batches in 2 shards: one per silo while both live
        var sweep = client.Services.GetRequiredService<IClusterClient>().GetGrain<ISweepGrain>(sweepId);
        await sweep.Submit(spec);

        var until = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < until && (await sweep.GetStatus())!.Jobs[0].LayersDone < 1)
        {
            await Task.Delay(100, ct);
        }

        await disrupt(new Cluster(processes, root, redisPort, silos));
        SweepStatus? status = null;
        until = DateTime.UtcNow + TimeSpan.FromMinutes(5);
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
                // the sweep's silo may be the dead one: its grain comes back on the live silo
            }

            await Task.Delay(500, ct);
        }

        Assert.NotNull(status);
        Assert.True(status.State == WorkState.Done, $"{status.State} {status.Message} {string.Join("; ", status.Jobs.Select(j => $"{j.JobId} {j.State} {j.Message}"))}");
        foreach (var job in SweepPlan.Jobs(sweepId, spec))
        {
            var local = Path.Combine(root, "local", Path.GetFileName(job.Output));
            LocalPruneJob.Run(JobSpecs.Request(job with { Output = local }), shards: 2); // a job keeps its shard count through failures
            Paths.AssertSameCheckpoint(local, job.Output);
        }

        await client.StopAsync(ct);
    }
}
