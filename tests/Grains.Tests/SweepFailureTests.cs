using Shear.Grains.Abstractions;
using Shear.Numerics.Experiment;
using Shear.Numerics.Pruning;

namespace Shear.Grains.Tests;

/// <summary>
/// A job that fails at run time stays failed with its one-line reason while every other job and evaluation completes;
/// <see cref="ISweepGrain.Retry"/> after the cause is fixed runs only what failed, and the result is what one run gives.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SweepFailureTests(ClusterFixture fixture)
{
    [Fact]
    public async Task AFailedJobIsContainedAndARetryAfterTheFixCompletesIt()
    {
        var root = Paths.TempDir();
        // A second calibration file that exists at submission and is damaged before the job reads it.
        var broken = Path.Combine(root, "broken.jsonl");
        File.Copy(Paths.Calibration, broken);
        var spec = new SweepSpec([Paths.Model("llama")], Vocab.Sets(Paths.Calibration, broken), Vocab.Methods("wanda"), Vocab.Patterns(0.5, "unstructured", "2:4"), Vocab.Domains("ppl"), 8, 24, 0,
            new EvalSettings { Limit = 1 }, Path.Combine(root, "out"), Path.Combine(Paths.Repo, "data")) { Keep = KeepMode.Checkpoints, TokenBudget = 64 };
        var sweep = fixture.Cluster.GrainFactory.GetGrain<ISweepGrain>("contained");
        await File.WriteAllTextAsync(broken, "{\"text\": \"fine\"}\n{not json\n", TestContext.Current.CancellationToken);
        await sweep.Submit(spec);
        var status = await SweepTests.WaitDone(sweep, TimeSpan.FromMinutes(5));

        Assert.Equal(WorkState.Failed, status.State);
        var failed = status.Jobs.Where(j => j.State == WorkState.Failed).ToList();
        Assert.Equal(2, failed.Count); // both patterns of the broken set
        Assert.All(failed, j => Assert.Equal($"{broken}: line 2: not valid JSON ('n' is an invalid start of a property name)", j.Message));
        Assert.All(status.Jobs.Where(j => j.Calibration.ToString() == Paths.Calibration), j => Assert.Equal(WorkState.Done, j.State));
        Assert.Contains("2 failed", status.Message, StringComparison.Ordinal);
        Assert.Contains(failed[0].JobId, status.Message, StringComparison.Ordinal);
        // Every evaluation whose model exists ran (the dense row and the two good sub-models); none of a failed job's did.
        Assert.Equal(3, status.Evaluations.Length);
        Assert.All(status.Evaluations, e => Assert.Equal(WorkState.Done, e.State));
        Assert.DoesNotContain(status.Evaluations, e => failed.Any(j => j.Output == e.Shard.Model));

        // The cause fixed, a retry runs the two failed jobs and their evaluations, and nothing else again.
        File.Copy(Paths.Calibration, broken, overwrite: true);
        var done = status.Evaluations.ToDictionary(e => e.Shard.ShardId, e => e.Seconds);
        Assert.Equal(2, await sweep.Retry());
        status = await SweepTests.WaitDone(sweep, TimeSpan.FromMinutes(5));
        Assert.True(status.State == WorkState.Done, status.Message);
        Assert.All(status.Jobs, j => Assert.Equal(WorkState.Done, j.State));
        Assert.Equal(5, status.Evaluations.Length);
        Assert.All(status.Evaluations.Where(e => done.ContainsKey(e.Shard.ShardId)), e => Assert.Equal(done[e.Shard.ShardId], e.Seconds));
        foreach (var job in SweepPlan.Jobs("contained", spec).Where(j => j.Calibration.ToString() == broken))
        {
            var local = Path.Combine(root, "local", Path.GetFileName(job.Output));
            LocalPruneJob.Run(JobSpecs.Request(job with { Output = local }), shards: 1);
            Paths.AssertSameCheckpoint(local, job.Output);
        }

        Assert.Equal(0, await sweep.Retry()); // nothing failed: nothing to run
    }
}
