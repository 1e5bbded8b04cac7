using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Shear.Grains.Abstractions;
using Shear.Grains.Telemetry;
using Shear.Numerics.Models;
using Shear.Numerics.Pruning;
using Shear.Numerics.Pruning.Distributed;

namespace Shear.Grains;

/// <summary>A prune job's persisted state: the last finished layer and the layers' outcomes.</summary>
[GenerateSerializer, Alias("shear.v1.PruneJobState")]
public sealed class PruneJobState
{
    /// <summary>The job.</summary>
    [Id(0)]
    public JobSpec? Spec { get; set; }

    /// <summary>Where it stands.</summary>
    [Id(1)]
    public WorkState State { get; set; }

    /// <summary>Layers finished, in order (their parts and masks are in the work folder).</summary>
    [Id(2)]
    public List<LayerOutcome> Layers { get; set; } = [];

    /// <summary>Layer count.</summary>
    [Id(3)]
    public int LayerCount { get; set; }

    /// <summary>Attempts so far (each retry uses fresh layer grains).</summary>
    [Id(4)]
    public int Attempt { get; set; }

    /// <summary>Error of the last attempt.</summary>
    [Id(5)]
    public string Message { get; set; } = "";
}

/// <summary>
/// Drives one job through its layers in order: embeds the calibration samples (only the embedding matrix), sends them
/// to layer 0's grain, and lets each layer grain pass its outputs to the next. It records every finished layer; after
/// a failure (a silo lost) it replays the inputs of the first unfinished layer from the saved pruned layers and goes on
/// with fresh layer grains. At the end it assembles the HF checkpoint, identical to <c>shear prune</c>'s.
/// </summary>
public sealed class PruneJobGrain(
    [PersistentState("job", GrainStorage.Name)] IPersistentState<PruneJobState> state,
    DataPlane.DataPlane dataPlane,
    ILogger<PruneJobGrain> logger) : Grain, IPruneJobGrain
{
    /// <summary>Attempts before a job is declared failed.</summary>
    public const int MaxAttempts = 4;

    /// <inheritdoc />
    public Task<JobProgress?> GetProgress() => Task.FromResult(state.State.Spec is null ? null : Progress());

    /// <inheritdoc />
    public async Task<JobProgress> Run(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (state.State.State == WorkState.Done)
        {
            return Progress();
        }

        using var activity = ShearTelemetry.Source.StartActivity("job.run");
        activity?.SetTag("shear.job", spec.JobId);
        state.State.Spec = spec;
        state.State.State = WorkState.Running;
        var request = JobSpecs.Request(spec);
        var config = GrainErrors.Translate(() => ModelConfigLoader.Load(spec.Model));
        state.State.LayerCount = config.NumHiddenLayers;
        await state.WriteStateAsync();
        var clock = Stopwatch.StartNew();
        var (samples, mode) = GrainErrors.Translate(() => LocalPruneJob.Calibration(request, message => logger.LogWarning("{Job}: {Message}", spec.JobId, message)));
        while (state.State.Layers.Count < config.NumHiddenLayers)
        {
            try
            {
                await RunLayers(spec, request, samples);
            }
            catch (Exception e) when (e is not ArgumentException && state.State.Attempt + 1 < MaxAttempts)
            {
                // A layer grain's silo died (or a transfer failed): resume after the last finished layer with fresh grains.
                logger.LogWarning(e, "{Job}: attempt {Attempt} failed after {Layers} layers; resuming", spec.JobId, state.State.Attempt, state.State.Layers.Count);
                state.State.Attempt++;
                state.State.Message = e.GetType().Name + ": " + e.Message;
                await state.WriteStateAsync();
            }
        }

        var layers = state.State.Layers.Select(l => new LayerReport(l.Layer, l.Sparsity, l.Linears, l.Seconds)).ToList();
        var report = PruningReport.Of(request, mode, samples, layers, double.NaN, clock.Elapsed.TotalSeconds); // Assemble counts the zeros
        PruneJobSteps.Assemble(request, spec.WorkDirectory, report);
        Directory.Delete(spec.WorkDirectory, recursive: true);
        state.State.State = WorkState.Done;
        state.State.Message = "";
        await state.WriteStateAsync();
        ShearTelemetry.JobsFinished.Add(1);
        return Progress();
    }

    private async Task RunLayers(JobSpec spec, PruneRequest request, List<int[]> samples)
    {
        int first = state.State.Layers.Count;
        int n = state.State.LayerCount;
        var options = ModelOptions.Default;
        var inputs = first == 0
            ? PruneJobSteps.Embed(spec.Model, samples, options, request.Spec.TokenBudget)
            : PruneJobSteps.Replay(spec.Model, spec.WorkDirectory, first, samples, options, request.Spec);
        int batches = inputs.Count;
        string Key(int layer) => $"{spec.JobId}/{state.State.Attempt}/{layer}";
        var current = GrainFactory.GetGrain<ILayerGrain>(Key(first));
        await current.Start(new LayerTask(spec, first, n, batches));
        try
        {
            foreach (var (batch, hidden, keep) in inputs)
            {
                await ActivationSender.Send(current, dataPlane, batch, hidden, keep);
            }
        }
        finally
        {
            inputs.ForEach(i => { i.Hidden.Dispose(); i.Keep.Dispose(); });
        }

        for (int k = first; k < n; k++)
        {
            string? next = k + 1 < n ? Key(k + 1) : null;
            if (next is not null)
            {
                await GrainFactory.GetGrain<ILayerGrain>(next).Start(new LayerTask(spec, k + 1, n, batches));
            }

            var outcome = await GrainFactory.GetGrain<ILayerGrain>(Key(k)).Finish(next);
            state.State.Layers.Add(outcome);
            await state.WriteStateAsync();
        }
    }

    private JobProgress Progress()
    {
        var s = state.State.Spec!;
        return new JobProgress(s.JobId, s.Calibration, s.Method, s.Pattern, state.State.State, state.State.Layers.Count, state.State.LayerCount, state.State.Message, s.Output);
    }
}
