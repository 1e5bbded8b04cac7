using System.Diagnostics;
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

    /// <summary>The submitting call's W3C trace parent: the sweep's work joins that trace whichever activation starts it.</summary>
    [Id(6)]
    public string? TraceParent { get; set; }
}

/// <summary>
/// A sweep as a persisted state machine: every job is pruned in turn (each job's calibration batches spread over the
/// silos), then every sub-model and every base model (the dense row) is evaluated shard by shard in parallel across the
/// silos. A one-second grain timer advances it by short calls (start or ask a job, start or poll eval shards; nothing
/// here waits on compute), and state is persisted on every change. The timer lives with the activation; a reminder
/// brings the sweep back after its silo was lost, and it goes on from its persisted state.
/// </summary>
public sealed partial class SweepGrain(
    [PersistentState("sweep", GrainStorage.Name)] IPersistentState<SweepState> state,
    ILogger<SweepGrain> logger) : Grain, ISweepGrain, IRemindable
{
    private const string ReminderName = "drive";

    /// <summary>How long a job or an eval shard may go without answering before the sweep gives up on it.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    /// <summary>Times an eval shard is started again after its silo was lost before it counts as failed.</summary>
    private const int EvalAttempts = 4;

    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly Dictionary<string, DateTime> _answered = [];
    private readonly Dictionary<string, int> _starts = [];
    private IGrainTimer? _timer;

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

            Tick(); // already submitted: make sure it is being advanced
            return;
        }

        var id = this.GetPrimaryKeyString();
        state.State.Spec = spec;
        state.State.State = WorkState.Running;
        state.State.TraceParent = Activity.Current?.Id;
        state.State.Jobs = SweepPlan.Jobs(id, spec);
        foreach (var job in state.State.Jobs)
        {
            state.State.JobProgress[job.JobId] = new JobProgress(job.JobId, job.Calibration, job.Method, job.Pattern, WorkState.Pending, 0, 0, "", job.Output);
        }

        await Save();
        await this.RegisterOrUpdateReminder(ReminderName, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        Tick();
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
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Tick(); // a reactivated running sweep goes on at once
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.State == WorkState.Running)
        {
            Tick();
            return;
        }

        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    // Starts the timer that advances a running sweep (once per activation).
    private void Tick()
    {
        if (_timer is null && state.State.Spec is not null && state.State.State == WorkState.Running)
        {
            _timer = this.RegisterGrainTimer(Advance, new GrainTimerCreationOptions(TimeSpan.Zero, TimeSpan.FromSeconds(1)) { KeepAlive = true });
        }
    }

    // One step: follow the current job, or start and poll the evaluation shards, or finish.
    private async Task Advance(CancellationToken cancellation)
    {
        if (state.State.State != WorkState.Running || state.State.Spec is not { } spec)
        {
            _timer?.Dispose();
            _timer = null;
            return;
        }

        try
        {
            if (state.State.Jobs.FirstOrDefault(j => state.State.JobProgress[j.JobId].State != WorkState.Done) is { } job)
            {
                await FollowJob(job);
                return;
            }

            var shards = Shards(spec);
            foreach (var shard in shards)
            {
                await FollowEval(shard);
            }

            if (state.State.State == WorkState.Running && shards.All(s => state.State.Evaluations[s.ShardId].State is WorkState.Done or WorkState.Failed))
            {
                state.State.State = state.State.Evaluations.Values.Any(e => e.State == WorkState.Failed) ? WorkState.Failed : WorkState.Done;
                if (state.State.State == WorkState.Failed)
                {
                    state.State.Message = "evaluation failed: " + string.Join("; ", state.State.Evaluations.Values.Where(e => e.State == WorkState.Failed).Select(e => $"{e.Shard.ShardId}: {e.Message}"));
                }

                await Save();
            }
        }
        catch (Exception e)
        {
            LogFailed(e, this.GetPrimaryKeyString());
            state.State.State = WorkState.Failed;
            state.State.Message = e is ArgumentException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            await Save();
        }
    }

    private List<EvalShard> Shards(SweepSpec spec)
    {
        var id = this.GetPrimaryKeyString();
        return [.. spec.Models.Distinct().SelectMany(m => SweepPlan.Shards(id, spec, spec.Models.Length > 1 ? $"dense {Path.GetFileName(m)}" : "dense", m))
            .Concat(state.State.Jobs.SelectMany(j => SweepPlan.Shards(id, spec, SweepPlan.Row(spec, j), j.Output)))];
    }

    /// <summary>
    /// Starts the job or asks it where it stands (the job advances itself layer by layer and retries its own
    /// failures); a call that finds the job's silo gone is asked again on the next tick, when the job has reactivated
    /// on a live silo (and the query restarts its steps).
    /// </summary>
    private async Task FollowJob(JobSpec job)
    {
        var grain = GrainFactory.GetGrain<IPruneJobGrain>(job.JobId);
        var before = state.State.JobProgress[job.JobId];
        JobProgress progress;
        try
        {
            if (before.State == WorkState.Pending)
            {
                using var span = Span(job.JobId);
                progress = await grain.Start(job);
            }
            else
            {
                progress = await grain.GetProgress() ?? await grain.Start(job);
            }
        }
        catch (Exception e) when (e is not ArgumentException && Waited(job.JobId) < Patience)
        {
            LogNoAnswer(job.JobId, e.GetType().Name);
            return;
        }

        _answered[job.JobId] = DateTime.UtcNow;
        if (progress.State == WorkState.Failed)
        {
            state.State.JobProgress[job.JobId] = progress;
            throw new ArgumentException($"job {job.JobId} failed: {progress.Message}");
        }

        state.State.JobProgress[job.JobId] = progress;
        if (progress.State != before.State || progress.LayersDone != before.LayersDone)
        {
            await Save();
        }
    }

    // Starts an eval shard, or polls it until it ends; a shard whose silo was lost is started again (a few times).
    private async Task FollowEval(EvalShard shard)
    {
        var known = state.State.Evaluations.GetValueOrDefault(shard.ShardId);
        if (known?.State is WorkState.Done or WorkState.Failed || state.State.State != WorkState.Running)
        {
            return;
        }

        var grain = GrainFactory.GetGrain<IEvalGrain>(shard.ShardId);
        EvalShardProgress? progress;
        try
        {
            progress = known is null ? null : await grain.Poll();
            if (progress is null)
            {
                int starts = _starts[shard.ShardId] = _starts.GetValueOrDefault(shard.ShardId) + 1;
                if (starts > EvalAttempts)
                {
                    progress = new EvalShardProgress(shard, WorkState.Failed, [], null, "", $"started {EvalAttempts} times, lost each time");
                }
                else
                {
                    using var span = Span(shard.ShardId);
                    await grain.Start(shard);
                    progress = new EvalShardProgress(shard, WorkState.Running, [], null, "", "");
                }
            }
        }
        catch (Exception e) when (Waited(shard.ShardId) < Patience)
        {
            LogNoAnswer(shard.ShardId, e.GetType().Name);
            return;
        }
        catch (Exception e)
        {
            progress = new EvalShardProgress(shard, WorkState.Failed, [], null, "", $"no answer for {Patience.TotalMinutes:F0} minutes: {e.GetType().Name}: {e.Message}");
        }

        _answered[shard.ShardId] = DateTime.UtcNow;
        state.State.Evaluations[shard.ShardId] = progress;
        if (known is null || progress.State != known.State)
        {
            if (progress.State == WorkState.Failed)
            {
                LogEvalFailed(shard.ShardId, progress.Message);
            }

            await Save();
        }
    }

    // A span in the submitter's trace around a call that starts work (the started work's spans join it).
    private Activity? Span(string work)
    {
        ActivityContext.TryParse(state.State.TraceParent, null, out var parent);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "eval shard {Shard} failed: {Message}")]
    private partial void LogEvalFailed(string shard, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "sweep {Sweep} failed")]
    private partial void LogFailed(Exception e, string sweep);

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
