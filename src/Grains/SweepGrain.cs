using Microsoft.Extensions.Logging;
using Shear.Grains.Abstractions;
using Shear.Grains.Telemetry;

namespace Shear.Grains;

/// <summary>A sweep's persisted state.</summary>
[GenerateSerializer, Alias("shear.v1.SweepState")]
public sealed class SweepState
{
    /// <summary>The spec (null: no sweep).</summary>
    [Id(0)]
    public SweepSpec? Spec { get; set; }

    /// <summary>Where it stands.</summary>
    [Id(1)]
    public WorkState State { get; set; }

    /// <summary>Jobs and their progress.</summary>
    [Id(2)]
    public List<JobSpec> Jobs { get; set; } = [];

    /// <summary>Last known progress per job id.</summary>
    [Id(3)]
    public Dictionary<string, JobProgress> JobProgress { get; set; } = [];

    /// <summary>Evaluation shards and their results, by shard id.</summary>
    [Id(4)]
    public Dictionary<string, EvalShardProgress> Evaluations { get; set; } = [];

    /// <summary>Error or note.</summary>
    [Id(5)]
    public string Message { get; set; } = "";
}

/// <summary>
/// Drives a sweep: prunes every job (each job's layers spread over the silos), then evaluates every sub-model and
/// every base model (the dense row) shard by shard in parallel across the silos. State is persisted after every step;
/// a reminder restarts the drive after a silo loss, skipping what is done.
/// </summary>
public sealed partial class SweepGrain(
    [PersistentState("sweep", GrainStorage.Name)] IPersistentState<SweepState> state,
    ILogger<SweepGrain> logger) : Grain, ISweepGrain, IRemindable
{
    private const string ReminderName = "drive";

    /// <summary>How long a job may go without answering a progress query before the sweep gives up on it.</summary>
    private static readonly TimeSpan FollowPatience = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim _write = new(1, 1);
    private bool _driving;

    /// <inheritdoc />
    public async Task Submit(SweepSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        GrainErrors.Translate(() => SweepPlan.Validate(spec));
        if (state.State.Spec is not null)
        {
            if (!SweepPlan.SameSpec(state.State.Spec, spec))
            {
                throw new ArgumentException($"sweep id '{this.GetPrimaryKeyString()}' exists with another spec: choose another --id");
            }

            return; // already submitted: the drive (or the reminder) carries on
        }

        var id = this.GetPrimaryKeyString();
        state.State.Spec = spec;
        state.State.State = WorkState.Running;
        state.State.Jobs = SweepPlan.Jobs(id, spec);
        foreach (var job in state.State.Jobs)
        {
            state.State.JobProgress[job.JobId] = new JobProgress(job.JobId, job.Calibration, job.Method, job.Pattern, WorkState.Pending, 0, 0, "", job.Output);
        }

        await Save();
        await this.RegisterOrUpdateReminder(ReminderName, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        _ = Drive();
    }

    /// <inheritdoc />
    public Task<SweepStatus?> GetStatus()
    {
        var s = state.State;
        return Task.FromResult(s.Spec is null ? null : new SweepStatus(this.GetPrimaryKeyString(), s.State,
            s.Jobs.Select(j => s.JobProgress[j.JobId]).ToArray(), s.Evaluations.Values.OrderBy(e => e.Shard.ShardId, StringComparer.Ordinal).ToArray(), s.Message));
    }

    /// <inheritdoc />
    public async Task Cancel()
    {
        if (state.State.Spec is not null && state.State.State == WorkState.Running)
        {
            state.State.State = WorkState.Cancelled;
            await Save();
        }
    }

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.State != WorkState.Running)
        {
            var reminder = await this.GetReminder(ReminderName);
            if (reminder is not null)
            {
                await this.UnregisterReminder(reminder);
            }

            return;
        }

        if (!_driving)
        {
            _ = Drive();
        }
    }

    private async Task Drive()
    {
        if (_driving || state.State.Spec is not { } spec)
        {
            return;
        }

        _driving = true;
        using var activity = ShearTelemetry.Source.StartActivity("sweep.drive");
        activity?.SetTag("shear.sweep", this.GetPrimaryKeyString());
        try
        {
            foreach (var job in state.State.Jobs.Where(j => state.State.JobProgress[j.JobId].State != WorkState.Done))
            {
                if (state.State.State != WorkState.Running)
                {
                    return;
                }

                state.State.JobProgress[job.JobId] = state.State.JobProgress[job.JobId] with { State = WorkState.Running };
                await Save();
                state.State.JobProgress[job.JobId] = await Follow(job);
                await Save();
            }

            var shards = spec.Models.Distinct().SelectMany(m => SweepPlan.Shards(this.GetPrimaryKeyString(), spec, spec.Models.Length > 1 ? $"dense {Path.GetFileName(m)}" : "dense", m))
                .Concat(state.State.Jobs.SelectMany(j => SweepPlan.Shards(this.GetPrimaryKeyString(), spec, SweepPlan.Row(spec, j), j.Output)))
                .Where(s => !state.State.Evaluations.TryGetValue(s.ShardId, out var e) || e.State != WorkState.Done)
                .ToList();
            await Task.WhenAll(shards.Select(Evaluate));
            if (state.State.State == WorkState.Running)
            {
                state.State.State = state.State.Evaluations.Values.Any(e => e.State == WorkState.Failed) ? WorkState.Failed : WorkState.Done;
                await Save();
            }
        }
        catch (Exception e)
        {
            logger.LogError(e, "sweep {Sweep} failed", this.GetPrimaryKeyString());
            state.State.State = WorkState.Failed;
            state.State.Message = $"{e.GetType().Name}: {e.Message}";
            await Save();
        }
        finally
        {
            _driving = false;
        }
    }

    /// <summary>
    /// Starts a job and follows it with short progress calls until it ends (the job advances itself layer by layer and
    /// retries its own failures); a progress call that finds the job's silo gone reactivates the job elsewhere.
    /// </summary>
    private async Task<JobProgress> Follow(JobSpec job)
    {
        var grain = GrainFactory.GetGrain<IPruneJobGrain>(job.JobId);
        var progress = await Retry(() => grain.Start(job), job.JobId);
        var answered = DateTime.UtcNow;
        while (progress.State is WorkState.Running or WorkState.Pending && state.State.State == WorkState.Running)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            try
            {
                progress = await grain.GetProgress() ?? progress;
                answered = DateTime.UtcNow;
                state.State.JobProgress[job.JobId] = progress;
            }
            catch (Exception e) when (e is not ArgumentException && DateTime.UtcNow - answered < FollowPatience)
            {
                // The job's silo was lost: until membership says so, calls to it fail; then the job reactivates on a
                // live silo (and its next progress query restarts its steps).
                LogFollow(job.JobId, e.GetType().Name);
            }
        }

        if (progress.State == WorkState.Failed)
        {
            throw new ArgumentException($"job {job.JobId} failed: {progress.Message}");
        }

        return progress;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Job}: no progress reply ({Error}); asking again")]
    private partial void LogFollow(string job, string error);

    private async Task Evaluate(EvalShard shard)
    {
        if (state.State.State != WorkState.Running)
        {
            return;
        }

        state.State.Evaluations[shard.ShardId] = new EvalShardProgress(shard, WorkState.Running, [], null, "", "");
        try
        {
            state.State.Evaluations[shard.ShardId] = await Retry(() => GrainFactory.GetGrain<IEvalGrain>(shard.ShardId).Run(shard), shard.ShardId);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "eval shard {Shard} failed", shard.ShardId);
            state.State.Evaluations[shard.ShardId] = new EvalShardProgress(shard, WorkState.Failed, [], null, "", $"{e.GetType().Name}: {e.Message}");
        }

        await Save();
    }

    /// <summary>
    /// Retries work whose silo was lost (the grain reactivates on a live silo; a job resumes after its last finished
    /// layer). Input errors are not retried.
    /// </summary>
    private async Task<T> Retry<T>(Func<Task<T>> work, string what)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await work();
            }
            catch (Exception e) when (e is not ArgumentException && attempt < 4)
            {
                logger.LogWarning(e, "{Work}: attempt {Attempt} failed; retrying", what, attempt);
                await Task.Delay(TimeSpan.FromSeconds(2 * attempt));
            }
        }
    }

    private async Task Save()
    {
        await _write.WaitAsync();
        try
        {
            var s = state.State;
            int total = s.Jobs.Count + s.Evaluations.Count;
            ShearTelemetry.SweepProgress(total == 0 ? 0 : (s.JobProgress.Values.Count(j => j.State == WorkState.Done) + s.Evaluations.Values.Count(e => e.State == WorkState.Done)) / (double)total);
            await StateWrites.Persist(state);
        }
        finally
        {
            _write.Release();
        }
    }
}
