using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shear.Grains.Abstractions;
using Shear.Grains.Hosting;
using Shear.Numerics.Pruning;

namespace Shear.Grains.Tests;

/// <summary>A real cluster: redis-server, two silo processes and a client; one silo is killed in the middle of a sweep.</summary>
public sealed class RedisClusterTests
{
    [Fact]
    public async Task SweepCompletesWithTheSameMasksWhenASiloIsKilled()
    {
        if (Processes.RedisServer is null)
        {
            Assert.Skip("redis-server missing: sudo apt-get install redis-server (.ci/run installs it)");
        }

        var root = Paths.TempDir();
        using var processes = new Processes();
        int redisPort = ClusterSettings.FreePort();
        processes.Redis(redisPort, root);
        var redis = $"127.0.0.1:{redisPort}";
        var clusterId = $"kill-{Guid.NewGuid():N}";
        int[] silo = [ClusterSettings.FreePort(), ClusterSettings.FreePort()], gateway = [ClusterSettings.FreePort(), ClusterSettings.FreePort()], health = [ClusterSettings.FreePort(), ClusterSettings.FreePort()];
        await Task.Delay(500, TestContext.Current.CancellationToken);
        var silos = Enumerable.Range(0, 2).Select(i => processes.Silo(redis, clusterId, silo[i], gateway[i], health[i], Path.Combine(root, $"silo{i}.log"))).ToArray();
        await Processes.WaitReady(health[0], 2, TimeSpan.FromSeconds(90));
        await Processes.WaitReady(health[1], 2, TimeSpan.FromSeconds(30));

        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(c => c.UseShearCluster(new ClusterSettings { Redis = redis, ClusterId = clusterId }, null, TimeSpan.FromSeconds(30)));
        using var client = builder.Build();
        await client.StartAsync(TestContext.Current.CancellationToken);
        var spec = new SweepSpec([Paths.Model("llama")], [Paths.Calibration], ["wanda", "sparsegpt"], ["unstructured", "2:4"], 0.5, ["ppl"], 8, 24, 0, 1,
            Path.Combine(root, "out"), Path.Combine(Paths.Repo, "data")) { TokenBudget = 64, Shards = 2 }; // 4 batches in 2 shards: one per silo while both live
        var sweep = client.Services.GetRequiredService<IClusterClient>().GetGrain<ISweepGrain>("killed");
        await sweep.Submit(spec);

        // Kill silo 1 once the first job has finished a layer: the job is between layers or inside layer 1, with a
        // shard on each silo; it goes on with both shards on the live silo, and the later jobs run there too.
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < until && (await sweep.GetStatus())!.Jobs[0].LayersDone < 1)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        silos[1].Kill(entireProcessTree: true);
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

            await Task.Delay(500, TestContext.Current.CancellationToken);
        }

        Assert.NotNull(status);
        Assert.True(status.State == WorkState.Done, $"{status.State} {status.Message} {string.Join("; ", status.Jobs.Select(j => $"{j.JobId} {j.State} {j.Message}"))}");
        foreach (var job in SweepPlan.Jobs("killed", spec))
        {
            var local = Path.Combine(root, "local", Path.GetFileName(job.Output));
            LocalPruneJob.Run(JobSpecs.Request(job with { Output = local }), shards: 2); // a job keeps its shard count through failures
            Paths.AssertSameCheckpoint(local, job.Output);
        }

        await client.StopAsync(TestContext.Current.CancellationToken);
    }
}
