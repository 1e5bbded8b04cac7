using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Shear.Grains.Abstractions;
using Shear.Grains.Abstractions.Errors;
using Shear.Grains.Driving;
using Shear.Grains.Telemetry;

namespace Shear.Grains;

/// <summary>
/// The sweep grain's calls to its jobs and evaluations: start one, or ask where it stands. Each is a short call (the
/// work drives itself); one that finds no silo means "asked again next round", a job silent for longer than the patience
/// fails; what they answer is written into the sweep's state (true: it changed).
/// </summary>
internal sealed partial class SweepCalls(IGrainFactory grains, string sweepId, Func<SweepState> state, ILogger logger)
{
    /// <summary>How long a job may go without answering before it is marked failed.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    private readonly IGrainFactory _grains = grains;
    private readonly string _sweepId = sweepId;
    private readonly ILogger _logger = logger;
    private readonly Answers _answers = new();

    private SweepState S => state();

    /// <summary>Starts a job; false when no silo answered (still pending, started next round).</summary>
    public async Task<bool> StartJob(JobSpec job)
    {
        using var span = Span(job.JobId);
        if (await Answer(job.JobId, () => _grains.GetGrain<IPruneJobGrain>(job.JobId).Start(job)) is not { } progress)
        {
            return false; // no silo answered: still pending, started next round
        }

        S.JobShards[job.JobId] = job.Shards;
        S.JobProgress[job.JobId] = progress;
        return true;
    }

    // Asks a running job where it stands (the job drives itself); a job silent for longer than the patience fails.
    public async Task<bool> FollowJob(JobSpec job)
    {
        var before = S.JobProgress[job.JobId];
        var progress = await Answer(job.JobId, () => _grains.GetGrain<IPruneJobGrain>(job.JobId).GetProgress());
        if (progress is null && _answers.Waited(job.JobId) >= Patience)
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

    /// <summary>
    /// Starts an evaluation. A start counts once a silo took it: one lost with its silo more often than the retry policy
    /// allows, or one no silo takes for longer than the patience, is failed; a start that found no silo is tried next round.
    /// </summary>
    public async Task<bool> StartEval(EvalShard shard)
    {
        var id = shard.ShardId;
        var failed = S.EvalStarts.GetValueOrDefault(id) >= RetryPolicy.Attempts ? $"started {RetryPolicy.Attempts} times, lost each time"
            : _answers.Waited(id) >= Patience ? $"no silo took it for {Patience.TotalMinutes:F0} minutes" : null;
        if (failed is not null)
        {
            S.Evaluations[id] = new EvalShardProgress(shard, WorkState.Failed, [], null, "", failed);
            return true;
        }

        using var span = Span(id);
        if (await Answer(id, async () => { await _grains.GetGrain<IEvalGrain>(id).Start(shard); return true; }))
        {
            S.EvalStarts[id] = S.EvalStarts.GetValueOrDefault(id) + 1;
            S.Evaluations[id] = new EvalShardProgress(shard, WorkState.Running, [], null, "", "");
            return true;
        }

        return false;
    }

    // Polls a running shard; one whose silo was lost comes back empty and is pending again (the scheduler restarts it).
    public async Task<bool> FollowEval(EvalShard shard)
    {
        var known = S.Evaluations[shard.ShardId];
        EvalShardProgress? progress;
        try
        {
            progress = await _grains.GetGrain<IEvalGrain>(shard.ShardId).Poll();
            _answers.Answered(shard.ShardId);
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
            _answers.Answered(work);
            return answer;
        }
        catch (Exception e) when (e is not BadInputException)
        {
            LogNoAnswer(work, e.GetType().Name);
            _ = _answers.Waited(work);
            return default;
        }
    }

    // A span in the submitter's trace around a call that starts work (the started work's spans join it).
    private Activity? Span(string work)
    {
        ActivityContext.TryParse(S.TraceParent, null, out var parent);
        var span = ShearTelemetry.Source.StartActivity("sweep.start", ActivityKind.Internal, parent);
        span?.SetTag("shear.sweep", _sweepId);
        span?.SetTag("shear.work", work);
        return span;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Work}: no reply ({Error}); asking again")]
    private partial void LogNoAnswer(string work, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Work} failed: {Message}")]
    private partial void LogFailed(string work, string message);
}
