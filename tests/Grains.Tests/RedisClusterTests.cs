using Shear.Grains.Abstractions;
using Shear.Numerics.Experiment;
using Shear.Numerics.Pruning;

namespace Shear.Grains.Tests;

/// <summary>
/// Real clusters of silo processes over redis-server. One silo and three silos give the checkpoints and masks of
/// <c>shear prune</c> byte for byte; with two, in the middle of a sweep one silo is killed, or Redis is stopped and
/// restarted with its data, and the sweep still completes with them.
/// </summary>
public sealed class RedisClusterTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task SweepOverSiloProcessesEqualsShearPruneBitForBit(int silos)
    {
        await using var cluster = await ProcessCluster.Start($"identity{silos}", silos);
        // 8 samples of 24 tokens in batches of 64 padded tokens: 4 batches, split over every silo (1 shard, or 2/1/1): one
        // job at a time, so that each job spreads over every silo (the parallel schedule gives concurrent jobs a slot each).
        var spec = new SweepSpec([Paths.Model("llama")], Vocab.Sets(Paths.Calibration), Vocab.Methods("wanda", "magnitude"), Vocab.Patterns(0.5, "unstructured", "2:4"), Vocab.Domains(), 8, 24, 0, new EvalSettings(),
            Path.Combine(cluster.Root, "out"), Path.Combine(Paths.Repo, "data")) { Keep = KeepMode.Checkpoints, TokenBudget = 64, OneAtATime = true };
        var sweep = cluster.Client.GetGrain<ISweepGrain>($"identity{silos}");
        await sweep.Submit(spec);
        var status = await ProcessCluster.Follow(sweep, TimeSpan.FromMinutes(5));
        Assert.True(status.State == WorkState.Done, $"{status.State} {status.Message}");

        // The console shows the board placement ranks by: every silo, computing on its one cpu worker.
        var (code, table, err) = Processes.ShearWithOutput(TimeSpan.FromMinutes(1), "sweep", "silos", "--redis", $"127.0.0.1:{cluster.RedisPort}", "--cluster-id", cluster.ClusterId);
        Assert.True(code == 0, err);
        var lines = table.TrimEnd('\n').Split('\n');
        Assert.StartsWith("silo ", lines[0], StringComparison.Ordinal);
        Assert.Equal(silos, lines.Length - 1);
        Assert.All(lines.Skip(1), l => Assert.Matches(@"^S\S+\s+cpu\s+cpu\s+[01]/1\s+-\s+[0-9]+$", l));

        foreach (var job in SweepPlan.Jobs($"identity{silos}", spec))
        {
            // What `shear prune` runs: one process, one shard (Wanda's and magnitude's statistics give the same bits for any split).
            var local = Path.Combine(cluster.Root, "local", Path.GetFileName(job.Output));
            LocalPruneJob.Run(JobSpecs.Request(job with { Output = local }), shards: 1);
            Paths.AssertSameCheckpoint(local, job.Output);
        }

        // Every silo process computed shards (the data-parallel split), none sent layer activations to another silo.
        for (int i = 0; i < silos; i++)
        {
            Assert.True(await cluster.Counter(i, "shear_compute_busy_seconds_total") > 0, $"silo {i} ran no compute");
            Assert.Equal(0, await cluster.Counter(i, "shear_activation_bytes_total"));
        }
    }

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

    [Fact]
    public async Task RedisRestartedEmptyFailsTheSweepClearlyAndTheSilosLeave()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await ProcessCluster.Start("redis-empty", 2);
        var spec = new SweepSpec([Paths.Model("llama")], Vocab.Sets(Paths.Calibration), Vocab.Methods("wanda", "sparsegpt"), Vocab.Patterns(0.5, "unstructured", "2:4"), Vocab.Domains("ppl"), 8, 24, 0, new EvalSettings { Limit = 1 },
            Path.Combine(cluster.Root, "out"), Path.Combine(Paths.Repo, "data")) { Keep = KeepMode.Checkpoints, TokenBudget = 64, Shards = 2 };
        var sweep = cluster.Client.GetGrain<ISweepGrain>("redis-empty");
        await sweep.Submit(spec);
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < until && (await sweep.GetStatus())!.Jobs[0].LayersDone < 1)
        {
            await Task.Delay(100, ct);
        }

        // Redis comes back without its data: membership, grain state and reminders are gone.
        cluster.Processes.StopRedis();
        var empty = Directory.CreateDirectory(Path.Combine(cluster.Root, "empty")).FullName;
        cluster.Processes.Redis(cluster.RedisPort, empty);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // The silos find themselves missing from the membership table and leave: their processes end, ports freed.
        foreach (var silo in cluster.Silos)
        {
            Assert.True(silo.WaitForExit(TimeSpan.FromMinutes(3)), $"a silo still runs {clock.Elapsed.TotalSeconds:F0} s after Redis lost its data");
        }

        Assert.All(cluster.Silos, s => Assert.NotEqual(0, s.ExitCode)); // a failure, not a clean finish
        // The sweep is not reported done: asking fails (no silo) instead of answering from a state that is gone, and
        // the console says so in one line with a non-zero exit.
        await Assert.ThrowsAnyAsync<Exception>(async () => await sweep.GetStatus().WaitAsync(TimeSpan.FromSeconds(60), ct));
        var (code, err) = Processes.Shear(TimeSpan.FromMinutes(2), "sweep", "status", "redis-empty", "--redis", $"127.0.0.1:{cluster.RedisPort}", "--cluster-id", cluster.ClusterId, "--connect-timeout", "10");
        Assert.True(code != 0 && err.TrimEnd('\n').Split('\n') is [var line] && line.StartsWith("error: ", StringComparison.Ordinal), $"exit {code}: {err}");
    }

    private static async Task Disrupted(string sweepId, Func<ProcessCluster, Task> disrupt)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await ProcessCluster.Start(sweepId, 2);
        var spec = new SweepSpec([Paths.Model("llama")], Vocab.Sets(Paths.Calibration), Vocab.Methods("wanda", "sparsegpt"), Vocab.Patterns(0.5, "unstructured", "2:4"), Vocab.Domains("ppl"), 8, 24, 0, new EvalSettings { Limit = 1 },
            Path.Combine(cluster.Root, "out"), Path.Combine(Paths.Repo, "data")) { Keep = KeepMode.Checkpoints, TokenBudget = 64, Shards = 2 }; // 4 batches in 2 shards: one per silo while both live
        var sweep = cluster.Client.GetGrain<ISweepGrain>(sweepId);
        await sweep.Submit(spec);

        var until = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < until && (await sweep.GetStatus())!.Jobs[0].LayersDone < 1)
        {
            await Task.Delay(100, ct);
        }

        await disrupt(cluster);
        var status = await ProcessCluster.Follow(sweep, TimeSpan.FromMinutes(5));
        Assert.True(status.State == WorkState.Done, $"{status.State} {status.Message} {string.Join("; ", status.Jobs.Select(j => $"{j.JobId} {j.State} {j.Message}"))}");
        foreach (var job in SweepPlan.Jobs(sweepId, spec))
        {
            var local = Path.Combine(cluster.Root, "local", Path.GetFileName(job.Output));
            LocalPruneJob.Run(JobSpecs.Request(job with { Output = local }), shards: 2); // a job keeps its shard count through failures
            Paths.AssertSameCheckpoint(local, job.Output);
        }
    }
}
