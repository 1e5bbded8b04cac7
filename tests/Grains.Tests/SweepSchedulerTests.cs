using Shear.Grains.Abstractions;
using Shear.Numerics.Experiment;

namespace Shear.Grains.Tests;

/// <summary>The sweep's scheduling decisions, worked by hand on small boards (no silo).</summary>
public sealed class SweepSchedulerTests
{
    private static JobSpec Job(int i, int shards = 0) => new($"s/j{i}", "m", CalibrationSet.Parse("c"), new MethodChoice(PruningMethod.Wanda), SparsityPattern.Unstructured(0.5), 8, 24, 0, $"/o/j{i}", "/d") { Shards = shards };

    private static ScheduledJob J(int i, WorkState state, int shards = 0, bool fixedShards = false) => new(Job(i), state, shards, fixedShards);

    private static ScheduledEval E(string id, WorkState state, int? job) =>
        new(new EvalShard(id, "row", "/o", EvalDomain.Ppl, new EvalSettings(), 0, "/d"), state, job is { } j ? $"s/j{j}" : null);

    private static List<string> Started(SweepDecisions d) =>
        [.. d.StartJobs.Select(j => $"{j.Job.JobId}x{j.Shards}"), .. d.StartEvals.Select(e => e.ShardId)];

    [Fact]
    public void JobsShareTheFreeSlotsAndTheBaseRowWaitsForWhatIsLeft()
    {
        // 3 slots, 6 pending jobs: three start with one shard each; the dense row's evaluation waits.
        var jobs = Enumerable.Range(0, 6).Select(i => J(i, WorkState.Pending)).ToList();
        var d = SweepScheduler.Next(jobs, [E("dense/ppl", WorkState.Pending, null)], slots: 3, serial: false);
        Assert.Equal(["s/j0x1", "s/j1x1", "s/j2x1"], Started(d));
        Assert.Null(d.Finished);

        // One job left on 3 free slots: it takes all three.
        d = SweepScheduler.Next([J(0, WorkState.Done), J(1, WorkState.Pending)], [], slots: 3, serial: false);
        Assert.Equal(["s/j1x3"], Started(d));
    }

    [Fact]
    public void ASubModelsEvaluationsStartAsSoonAsItsJobIsDoneBeforeFurtherJobs()
    {
        // j0 done, j1 running on 1 slot, j2 pending; 2 slots: the free one goes to j0's evaluation, not to j2.
        var jobs = new[] { J(0, WorkState.Done, 1), J(1, WorkState.Running, 1), J(2, WorkState.Pending) };
        var evals = new[] { E("j0/ppl", WorkState.Pending, 0), E("j1/ppl", WorkState.Pending, 1), E("dense/ppl", WorkState.Pending, null) };
        var d = SweepScheduler.Next(jobs, evals, slots: 2, serial: false);
        Assert.Equal(["j0/ppl"], Started(d));
        // With a third slot j2 starts too; j1's evaluation waits for j1.
        Assert.Equal(["j0/ppl", "s/j2x1"], Started(SweepScheduler.Next(jobs, evals, slots: 3, serial: false)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AJobWhoseBitsDependOnItsShardCountGetsEverySlotAndNothingOvertakesIt()
    {
        // SparseGPT on 3 slots while one evaluation runs: it waits for all three; the job behind it does not overtake.
        var jobs = new[] { J(0, WorkState.Pending, fixedShards: true), J(1, WorkState.Pending) };
        var running = new[] { E("dense/ppl", WorkState.Running, null) };
        Assert.Empty(Started(SweepScheduler.Next(jobs, running, slots: 3, serial: false)));
        Assert.Equal(["s/j0x3"], Started(SweepScheduler.Next(jobs, [], slots: 3, serial: false)));
        // A count the sweep asked for is kept as well.
        Assert.Equal(["s/j0x2", "s/j1x1"], Started(SweepScheduler.Next([new ScheduledJob(Job(0, shards: 2), WorkState.Pending, 0, false), J(1, WorkState.Pending)], [], 3, false)));
    }

    [Fact]
    public void AFailedJobsEvaluationsNeverStartAndTheSweepEndsFailedOnlyWhenAllElseHasEnded()
    {
        var jobs = new[] { J(0, WorkState.Failed), J(1, WorkState.Done) };
        var evals = new[] { E("j0/ppl", WorkState.Pending, 0), E("j1/ppl", WorkState.Pending, 1), E("dense/ppl", WorkState.Done, null) };
        var d = SweepScheduler.Next(jobs, evals, slots: 1, serial: false);
        Assert.Equal(["j1/ppl"], Started(d));
        Assert.Null(d.Finished);
        d = SweepScheduler.Next(jobs, [evals[0], evals[1] with { State = WorkState.Done }, evals[2]], slots: 1, serial: false);
        Assert.Empty(Started(d));
        Assert.Equal(WorkState.Failed, d.Finished);
        Assert.Equal(WorkState.Done, SweepScheduler.Next([J(0, WorkState.Done)], [E("j0/ppl", WorkState.Done, 0)], 1, false).Finished);
    }

    [Fact]
    public void TheOneAtATimeScheduleRunsJobsInTurnThenEveryEvaluation()
    {
        var jobs = new[] { J(0, WorkState.Done), J(1, WorkState.Running), J(2, WorkState.Pending) };
        var evals = new[] { E("j0/ppl", WorkState.Pending, 0), E("dense/ppl", WorkState.Pending, null) };
        Assert.Empty(Started(SweepScheduler.Next(jobs, evals, slots: 4, serial: true)));
        Assert.Equal(["s/j2x0"], Started(SweepScheduler.Next([jobs[0], J(1, WorkState.Done), jobs[2]], evals, 4, true)));
        Assert.Equal(["j0/ppl", "dense/ppl"], Started(SweepScheduler.Next([jobs[0], J(1, WorkState.Done), J(2, WorkState.Failed)], evals, 4, true)));
    }
}
