using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Shear.Grains.Abstractions;
using Shear.Grains.Abstractions.Errors;
using Shear.Grains.Driving;
using Shear.Grains.Placement;
using Shear.Grains.Telemetry;

namespace Shear.Grains;

/// <summary>
/// A sweep as a persisted state machine driven by a timer (with a reminder for a lost silo, <see cref="DrivenGrain"/>):
/// each round asks its running jobs and evaluation shards where they stand (short calls; nothing here waits on
/// compute), lets <see cref="SweepScheduler"/> decide from the cluster's free device slots what starts next, starts it,
/// and persists every change. Failures stay with their job or evaluation; <see cref="Retry"/> runs them again.
/// </summary>
public sealed class SweepGrain(
    [PersistentState("sweep", GrainStorage.Name)] IPersistentState<SweepState> state,
    ILogger<SweepGrain> logger) : DrivenGrain, ISweepGrain
{
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly Dictionary<string, bool> _fixedShards = [];
    private SweepCalls? _calls;

    /// <inheritdoc />
    protected override bool Running => state.State.Spec is not null && state.State.State == WorkState.Running;

    /// <inheritdoc />
    protected override TimeSpan Period => TimeSpan.FromMilliseconds(250);

    private SweepState S => state.State;

    private SweepCalls Calls => _calls ??= new SweepCalls(GrainFactory, this.GetPrimaryKeyString(), () => state.State, logger);

    /// <inheritdoc />
    public async Task Submit(SweepSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        GrainErrors.Check(() => SweepPlan.Validate(spec));
        if (S.Spec is not null)
        {
            if (!SweepPlan.SameSpec(S.Spec, spec))
            {
                throw new BadInputException($"sweep id '{this.GetPrimaryKeyString()}' exists with another spec: choose another --id");
            }

            Drive(); // already submitted: make sure it is being advanced
            return;
        }

        S.Spec = spec;
        S.State = WorkState.Running;
        S.TraceParent = Activity.Current?.Id;
        S.Jobs = SweepPlan.Jobs(this.GetPrimaryKeyString(), spec);
        foreach (var job in S.Jobs)
        {
            S.JobProgress[job.JobId] = new JobProgress(job.JobId, job.Calibration, job.Method, job.Pattern, WorkState.Pending, 0, 0, "", job.Output);
        }

        await Save();
        await StartDriving();
    }

    /// <inheritdoc />
    public Task<SweepStatus?> GetStatus() => Task.FromResult(S.Spec is null ? null : new SweepStatus(this.GetPrimaryKeyString(), S.State,
        [.. S.Jobs.Select(j => S.JobProgress[j.JobId])], [.. S.Evaluations.Values.OrderBy(e => e.Shard.ShardId, StringComparer.Ordinal)], S.Message));

    /// <inheritdoc />
    public async Task Cancel()
    {
        if (Running)
        {
            S.State = WorkState.Cancelled;
            await Save();
        }
    }

    /// <inheritdoc />
    public async Task<int> Retry()
    {
        if (S.Spec is null)
        {
            throw new BadInputException($"no sweep with id '{this.GetPrimaryKeyString()}'");
        }

        int restarted = 0;
        foreach (var job in S.Jobs.Where(j => S.JobProgress[j.JobId].State == WorkState.Failed))
        {
            S.JobProgress[job.JobId] = await GrainFactory.GetGrain<IPruneJobGrain>(job.JobId).Retry() ?? S.JobProgress[job.JobId];
            restarted++;
        }

        foreach (var failed in S.Evaluations.Values.Where(e => e.State == WorkState.Failed).ToList())
        {
            S.Evaluations.Remove(failed.Shard.ShardId); // pending again: the scheduler starts it
            S.EvalStarts.Remove(failed.Shard.ShardId);
            restarted++;
        }

        if (restarted > 0 && S.State is WorkState.Failed or WorkState.Done)
        {
            S.State = WorkState.Running;
            S.Message = "";
        }

        await Save();
        if (Running)
        {
            await StartDriving();
        }

        return restarted;
    }

    /// <inheritdoc />
    protected override async Task Advance(CancellationToken cancellation)
    {
        var spec = S.Spec!;
        bool changed = false;
        foreach (var job in S.Jobs.Where(j => S.JobProgress[j.JobId].State == WorkState.Running))
        {
            changed |= await Calls.FollowJob(job);
        }

        var shards = SweepPlan.Evaluations(this.GetPrimaryKeyString(), spec, S.Jobs);
        foreach (var shard in shards.Where(e => S.Evaluations.GetValueOrDefault(e.Shard.ShardId)?.State == WorkState.Running))
        {
            changed |= await Calls.FollowEval(shard.Shard);
        }

        var jobs = S.Jobs.Select(j => new ScheduledJob(j, S.JobProgress[j.JobId].State, S.JobShards.GetValueOrDefault(j.JobId),
            _fixedShards.TryGetValue(j.JobId, out var f) ? f : _fixedShards[j.JobId] = SweepPlan.FixedShards(j))).ToList(); // parsed once per activation
        var evals = shards.Select(e => e with { State = S.Evaluations.GetValueOrDefault(e.Shard.ShardId)?.State ?? WorkState.Pending }).ToList();
        var slots = await ShardSilos.RankedSlots(GrainFactory);
        var decisions = SweepScheduler.Next(jobs, evals, slots.Count, spec.OneAtATime);
        int next = 0; // the jobs started together take the best slots in turn, each its own
        foreach (var (job, count) in decisions.StartJobs)
        {
            var assigned = count > 0 && slots.Count > 0 ? Enumerable.Range(next, count).Select(i => slots[i % slots.Count]).ToArray() : null;
            next += count;
            changed |= await Calls.StartJob(job with { Shards = count, ShardSilos = assigned });
        }

        foreach (var shard in decisions.StartEvals)
        {
            changed |= await Calls.StartEval(shard);
        }

        if (decisions.Finished is { } finished && Running)
        {
            S.State = finished;
            S.Message = finished == WorkState.Failed ? S.FailureSummary() : "";
            changed = true;
        }

        if (changed)
        {
            await Save();
        }
    }

    private async Task Save()
    {
        await _write.WaitAsync();
        try
        {
            int total = S.Jobs.Count + S.Evaluations.Count;
            ShearTelemetry.SweepProgress(total == 0 ? 0 : (S.JobProgress.Values.Count(j => j.State == WorkState.Done) + S.Evaluations.Values.Count(e => e.State == WorkState.Done)) / (double)total);
            await StateWrites.Persist(state);
        }
        finally
        {
            _write.Release();
        }
    }
}
