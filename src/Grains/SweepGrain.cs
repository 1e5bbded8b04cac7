using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Shear.Grains.Abstractions;
using Shear.Grains.Abstractions.Errors;
using Shear.Grains.Driving;
using Shear.Grains.Placement;
using Shear.Grains.Telemetry;
using Shear.Numerics.Pruning;

namespace Shear.Grains;

/// <summary>
/// A sweep as a persisted state machine driven by a timer (with a reminder for a lost silo, <see cref="DrivenGrain"/>):
/// each round asks its running jobs and evaluation shards where they stand (short calls; nothing here waits on
/// compute), lets <see cref="SweepScheduler"/> decide from the cluster's free device slots what starts next, starts it,
/// and persists every change. Failures stay with their job or evaluation; <see cref="Retry"/> runs them again.
/// </summary>
public sealed partial class SweepGrain(
    [PersistentState("sweep", GrainStorage.Name)] IPersistentState<SweepState> state,
    ILogger<SweepGrain> logger) : DrivenGrain, ISweepGrain
{
    /// <summary>How long a job may go without answering before it is marked failed.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly Dictionary<string, DateTime> _answered = [];
    private readonly Dictionary<string, bool> _fixedShards = [];

    /// <inheritdoc />
    protected override bool Running => state.State.Spec is not null && state.State.State == WorkState.Running;

    /// <inheritdoc />
    protected override TimeSpan Period => TimeSpan.FromMilliseconds(250);

    private SweepState S => state.State;

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
            changed |= await FollowJob(job);
        }

        var shards = Shards(spec);
        foreach (var shard in shards.Where(e => S.Evaluations.GetValueOrDefault(e.Shard.ShardId)?.State == WorkState.Running))
        {
            changed |= await FollowEval(shard.Shard);
        }

        var jobs = S.Jobs.Select(j => new ScheduledJob(j, S.JobProgress[j.JobId].State, S.JobShards.GetValueOrDefault(j.JobId),
            _fixedShards.TryGetValue(j.JobId, out var f) ? f : _fixedShards[j.JobId] = FixedShards(j))).ToList(); // parsed once per activation
        var evals = shards.Select(e => e with { State = S.Evaluations.GetValueOrDefault(e.Shard.ShardId)?.State ?? WorkState.Pending }).ToList();
        var slots = await ShardSilos.RankedSlots(GrainFactory);
        var decisions = SweepScheduler.Next(jobs, evals, slots.Count, spec.OneAtATime);
        int next = 0; // the jobs started together take the best slots in turn, each its own
        foreach (var (job, count) in decisions.StartJobs)
        {
            var assigned = count > 0 && slots.Count > 0 ? Enumerable.Range(next, count).Select(i => slots[i % slots.Count]).ToArray() : null;
            next += count;
            changed |= await StartJob(job with { Shards = count, ShardSilos = assigned });
        }

        foreach (var shard in decisions.StartEvals)
        {
            changed |= await StartEval(shard);
        }

        if (decisions.Finished is { } finished && Running)
        {
            S.State = finished;
            S.Message = finished == WorkState.Failed ? FailureSummary() : "";
            changed = true;
        }

        if (changed)
        {
            await Save();
        }
    }

    // Every evaluation shard with the job it waits for: the base models' (dense rows) first, then each job's.
    private List<ScheduledEval> Shards(SweepSpec spec)
    {
        var id = this.GetPrimaryKeyString();
        var dense = spec.Models.Distinct().SelectMany(m => SweepPlan.Shards(id, spec, spec.Models.Length > 1 ? $"dense {Path.GetFileName(m)}" : "dense", m))
            .Select(e => new ScheduledEval(e, WorkState.Pending, null));
        var pruned = S.Jobs.SelectMany(j => SweepPlan.Shards(id, spec, SweepPlan.Row(spec, j), j.Output).Select(e => new ScheduledEval(e, WorkState.Pending, j.JobId)));
        return [.. dense, .. pruned];
    }

    // SparseGPT's Hessians are summed shard by shard: its bits depend on the shard count, which a sweep keeps as one at a time.
    private static bool FixedShards(JobSpec job) => MethodStatistics.Needs(JobSpecs.Spec(job)) is Numerics.Pruning.StatisticsKind.Hessian or Numerics.Pruning.StatisticsKind.MomentsAndHessian;

    private async Task<bool> StartJob(JobSpec job)
    {
        using var span = Span(job.JobId);
        if (await Answer(job.JobId, () => GrainFactory.GetGrain<IPruneJobGrain>(job.JobId).Start(job)) is not { } progress)
        {
            return false; // no silo answered: still pending, started next round
        }

        S.JobShards[job.JobId] = job.Shards;
        S.JobProgress[job.JobId] = progress;
        return true;
    }

    // Asks a running job where it stands (the job drives itself); a job silent for longer than the patience fails.
    private async Task<bool> FollowJob(JobSpec job)
    {
        var before = S.JobProgress[job.JobId];
        var progress = await Answer(job.JobId, () => GrainFactory.GetGrain<IPruneJobGrain>(job.JobId).GetProgress());
        if (progress is null && Waited(job.JobId) >= Patience)
        {
            progress = before with { State = WorkState.Failed, Message = $"no answer for {Patience.TotalMinutes:F0} minutes" };
        }

        if (progress is null || (progress.State == before.State && progress.LayersDone == before.LayersDone))
        {
            return false;
        }

        if (progress.State == WorkState.Failed)
        {
            LogFailed(job.JobId, progress.Message);
        }

        S.JobProgress[job.JobId] = progress;
        return true;
    }

    private async Task<bool> StartEval(EvalShard shard)
    {
        int starts = S.EvalStarts[shard.ShardId] = S.EvalStarts.GetValueOrDefault(shard.ShardId) + 1;
        if (starts > RetryPolicy.Attempts)
        {
            S.Evaluations[shard.ShardId] = new EvalShardProgress(shard, WorkState.Failed, [], null, "", $"started {RetryPolicy.Attempts} times, lost each time");
            return true;
        }

        using var span = Span(shard.ShardId);
        if (await Answer(shard.ShardId, async () => { await GrainFactory.GetGrain<IEvalGrain>(shard.ShardId).Start(shard); return true; }))
        {
            S.Evaluations[shard.ShardId] = new EvalShardProgress(shard, WorkState.Running, [], null, "", "");
            return true;
        }

        return false;
    }

    // Polls a running shard; one whose silo was lost comes back empty and is pending again (the scheduler restarts it).
    private async Task<bool> FollowEval(EvalShard shard)
    {
        var known = S.Evaluations[shard.ShardId];
        EvalShardProgress? progress;
        try
        {
            progress = await GrainFactory.GetGrain<IEvalGrain>(shard.ShardId).Poll();
        }
        catch (Exception e) when (e is not BadInputException)
        {
            LogNoAnswer(shard.ShardId, e.GetType().Name); // its silo may be going: asked again next round
            return false;
        }

        if (progress is null)
        {
            S.Evaluations.Remove(shard.ShardId); // the activation that ran it was lost with its silo
            return true;
        }

        if (progress.State == known.State)
        {
            return false;
        }

        if (progress.State == WorkState.Failed)
        {
            LogFailed(shard.ShardId, progress.Message);
        }

        S.Evaluations[shard.ShardId] = progress;
        return true;
    }

    // A call's answer, or the default when it found no silo (asked again next round); the time of each answer is kept.
    private async Task<T?> Answer<T>(string work, Func<Task<T>> call)
    {
        try
        {
            var answer = await call();
            _answered[work] = DateTime.UtcNow;
            return answer;
        }
        catch (Exception e) when (e is not BadInputException)
        {
            LogNoAnswer(work, e.GetType().Name);
            _ = Waited(work);
            return default;
        }
    }

    private string FailureSummary()
    {
        var failures = S.JobProgress.Values.Where(j => j.State == WorkState.Failed).Select(j => $"job {j.JobId}: {j.Message}")
            .Concat(S.Evaluations.Values.Where(e => e.State == WorkState.Failed).Select(e => $"evaluation {e.Shard.ShardId}: {e.Message}")).ToList();
        return $"{failures.Count} failed (the rest completed; 'shear sweep retry' runs them again): {string.Join("; ", failures)}";
    }

    // A span in the submitter's trace around a call that starts work (the started work's spans join it).
    private Activity? Span(string work)
    {
        ActivityContext.TryParse(S.TraceParent, null, out var parent);
        var span = ShearTelemetry.Source.StartActivity("sweep.start", ActivityKind.Internal, parent);
        span?.SetTag("shear.sweep", this.GetPrimaryKeyString());
        span?.SetTag("shear.work", work);
        return span;
    }

    // How long since this job or shard last answered (counted from this activation's first call to it).
    private TimeSpan Waited(string key)
    {
        if (!_answered.TryGetValue(key, out var at))
        {
            _answered[key] = at = DateTime.UtcNow;
        }

        return DateTime.UtcNow - at;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Work}: no reply ({Error}); asking again")]
    private partial void LogNoAnswer(string work, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Work} failed: {Message}")]
    private partial void LogFailed(string work, string message);

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
