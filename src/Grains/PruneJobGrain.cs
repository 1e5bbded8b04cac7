using Microsoft.Extensions.Logging;
using Shear.Grains.Abstractions;
using Shear.Grains.Driving;
using Shear.Grains.Telemetry;
using Shear.Numerics.Pruning;
using Shear.Numerics.Pruning.Loop;
using Shear.Numerics.Runtime;

namespace Shear.Grains;

/// <summary>
/// Drives one job through the <see cref="LayerLoop"/>, one layer per round of its timer (<see cref="DrivenGrain"/>: a
/// reminder brings it back after its silo was lost), with R shard grains (one per device slot: each observes its own
/// batches and forwards them in memory on its silo; only statistics come here). Masks are computed here once per layer
/// on a device of this silo leased for the attempt (its dtype, the spec's or that device's default, is the one every
/// shard computes in). Every finished layer is persisted; after a failure (a silo lost) the job goes on after the last
/// finished layer with fresh shards, which replay their batches from the staged output, as <see cref="RetryPolicy"/>
/// says; bad input fails it at once with its one-line reason. It is placed like the work it drives (GPU silos first).
/// </summary>
[Placement.LeastBusyPlacement]
public sealed partial class PruneJobGrain(
    [PersistentState("job", GrainStorage.Name)] IPersistentState<PruneJobState> state,
    DevicePool devices,
    ILogger<PruneJobGrain> logger) : DrivenGrain, IPruneJobGrain
{
    private PruneJobSession? _session;

    /// <inheritdoc />
    protected override bool Running => state.State.Spec is not null && state.State.State == WorkState.Running;

    /// <inheritdoc />
    protected override TimeSpan Period => TimeSpan.FromMilliseconds(20);

    /// <inheritdoc />
    public async Task<JobProgress> Start(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (state.State.Spec is null)
        {
            state.State.Spec = spec;
            state.State.State = WorkState.Running;
            state.State.TraceParent = System.Diagnostics.Activity.Current?.Id;
            await StateWrites.Persist(state);
            await StartDriving();
        }

        Drive();
        return Progress();
    }

    /// <inheritdoc />
    public Task<JobProgress?> GetProgress() => Task.FromResult(state.State.Spec is null ? null : Progress());

    /// <inheritdoc />
    public async Task<JobProgress?> Retry()
    {
        if (state.State.Spec is null)
        {
            return null;
        }

        if (state.State.State == WorkState.Failed)
        {
            state.State.State = WorkState.Running;
            state.State.Attempt = 0;
            state.State.Message = "";
            await StateWrites.Persist(state);
            await StartDriving();
        }

        return Progress();
    }

    /// <inheritdoc />
    protected override async Task Advance(CancellationToken cancellation)
    {
        try
        {
            await Round();
        }
        catch (Exception e)
        {
            // Even the bookkeeping failed (storage gone for longer than its patience): the next round (or, after a lost
            // activation, the reminder) goes on from the persisted state.
            LogStepFailed(e, state.State.Spec?.JobId ?? this.GetPrimaryKeyString());
            await CloseSession();
        }
    }

    // One layer, the completion, or the handling of a failed attempt.
    private async Task Round()
    {
        var spec = state.State.Spec!;
        try
        {
            _session ??= await PruneJobSession.Open(spec, state.State, GrainFactory, devices, LogCalibration);
            if (_session.Dense)
            {
                await OwlLayer(spec, _session);
            }
            else if (state.State.Layers.Count < state.State.LayerCount)
            {
                await Layer(spec, _session);
            }
            else
            {
                await Complete(_session);
            }
        }
        catch (Exception e) when (RetryPolicy.GiveUp(e, state.State.Attempt + 1))
        {
            await Fail(e);
        }
        catch (Exception e)
        {
            // A shard's silo died (or a transfer broke): go on after the last finished layer with fresh shards.
            LogResume(e, spec.JobId, state.State.Attempt, state.State.Layers.Count);
            await CloseSession();
            state.State.Attempt++;
            state.State.Message = RetryPolicy.Reason(e);
            await StateWrites.Persist(state);
            await Task.Delay(RetryPolicy.Pause(state.State.Attempt)); // let membership declare the lost silo dead
        }
    }

    private async Task Layer(JobSpec spec, PruneJobSession session)
    {
        using var activity = Span("job.layer");
        activity?.SetTag("shear.job", spec.JobId);
        int k = state.State.Layers.Count;
        activity?.SetTag("shear.layer", k);
        var report = await LayerLoop.StepAsync(spec.Model, session.Request.Spec, session.Options, session.Output, session.Shards, session.Compute, k);
        state.State.Layers.Add(new LayerOutcome(report.Index, report.Sparsity, report.Linears.ToDictionary(), report.Seconds, RuntimeIdentity) { Zeros = report.Zeros, Total = report.Total, SerialSeconds = report.SerialSeconds, MaskSeconds = report.MaskSeconds, ByMagnitude = [.. report.ByMagnitude ?? []] });
        await StateWrites.Persist(state);
        ShearTelemetry.LayersPruned.Add(1);
    }

    // One layer of OWL's pass over the dense model; after the last, the dense shards stop and the next session prunes.
    private async Task OwlLayer(JobSpec spec, PruneJobSession session)
    {
        using var activity = Span("job.owl");
        activity?.SetTag("shear.job", spec.JobId);
        int k = state.State.OutlierRatios.Count;
        activity?.SetTag("shear.layer", k);
        double ratio = await LayerLoop.OwlStepAsync(spec.Model, session.Request.Spec.Owl!, session.Options, session.Shards, session.Compute, k);
        state.State.OutlierRatios.Add(ratio);
        await StateWrites.Persist(state);
        if (state.State.OutlierRatios.Count == state.State.LayerCount)
        {
            await CloseSession();
        }
    }

    // A span in the trace of the call that started the job (the timer's rounds have no caller of their own).
    private System.Diagnostics.Activity? Span(string name)
    {
        System.Diagnostics.ActivityContext.TryParse(state.State.TraceParent, null, out var parent);
        return ShearTelemetry.Source.StartActivity(name, System.Diagnostics.ActivityKind.Internal, parent);
    }

    private async Task Complete(PruneJobSession session)
    {
        var layers = state.State.Layers.Select(l => new LayerReport(l.Layer, l.Sparsity, l.Linears, l.Seconds) { Zeros = l.Zeros, Total = l.Total, SerialSeconds = l.SerialSeconds, MaskSeconds = l.MaskSeconds, ByMagnitude = l.ByMagnitude.Length > 0 ? l.ByMagnitude : null }).ToList();
        var report = PruningReport.Of(session.Request, session.Draw, layers, LayerReport.TotalSparsity(layers), layers.Sum(l => l.Seconds));
        await session.Compute.Run(() =>
        {
            session.Output.Complete(report);
            return 0;
        });
        await CloseSession();
        state.State.State = WorkState.Done;
        state.State.Message = "";
        await StateWrites.Persist(state);
        ShearTelemetry.JobsFinished.Add(1);
    }

    private async Task Fail(Exception e)
    {
        LogFailed(e, state.State.Spec!.JobId);
        await CloseSession();
        state.State.State = WorkState.Failed;
        state.State.Message = RetryPolicy.Reason(e);
        await StateWrites.Persist(state);
    }

    private async Task CloseSession()
    {
        if (_session is { } session)
        {
            _session = null;
            await session.Close(message => LogStopFailed(state.State.Spec!.JobId, message));
        }
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => await CloseSession();

    private JobProgress Progress()
    {
        var s = state.State.Spec!;
        return new JobProgress(s.JobId, s.Calibration, s.Method, s.Pattern, state.State.State, state.State.Layers.Count, state.State.LayerCount, state.State.Message, s.Output);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Job}: {Message}")]
    private partial void LogCalibration(string job, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Job}: attempt {Attempt} failed after {Layers} layers; resuming")]
    private partial void LogResume(Exception e, string job, int attempt, int layers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Job}: a round failed before its state was saved; the next round goes on from the persisted state")]
    private partial void LogStepFailed(Exception e, string job);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Job}: failed")]
    private partial void LogFailed(Exception e, string job);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Job}: a shard could not be stopped: {Message}")]
    private partial void LogStopFailed(string job, string message);
}
