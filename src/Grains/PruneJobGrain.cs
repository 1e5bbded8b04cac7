using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Shear.Grains.Abstractions;
using Shear.Grains.Placement;
using Shear.Grains.Telemetry;
using Shear.Numerics.Models;
using Shear.Numerics.Pruning;
using Shear.Numerics.Pruning.Loop;
using Shear.Numerics.Runtime;

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

    /// <summary>Layers finished, in order (they are already in the staged output).</summary>
    [Id(2)]
    public List<LayerOutcome> Layers { get; set; } = [];

    /// <summary>Layer count.</summary>
    [Id(3)]
    public int LayerCount { get; set; }

    /// <summary>Attempts so far (each retry uses fresh shard grains).</summary>
    [Id(4)]
    public int Attempt { get; set; }

    /// <summary>Error of the last attempt.</summary>
    [Id(5)]
    public string Message { get; set; } = "";

    /// <summary>The job's shard count, fixed at its first attempt (so a retry on fewer silos gives the same bits).</summary>
    [Id(6)]
    public int Shards { get; set; }
}

/// <summary>
/// Drives one job through the <see cref="LayerLoop"/> with R shard grains, one per silo: each shard observes its own
/// batches and forwards them in memory on its silo; only statistics come here. Masks are computed here once per layer
/// on this silo's device worker. Every finished layer is recorded; after a failure (a silo lost) the job goes on after
/// the last finished layer with fresh shards, which replay their batches from the staged output.
/// </summary>
public sealed partial class PruneJobGrain(
    [PersistentState("job", GrainStorage.Name)] IPersistentState<PruneJobState> state,
    IComputeQueue compute,
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
        var config = await compute.Run(() => GrainErrors.Translate(() => ModelConfigLoader.Load(spec.Model)));
        state.State.LayerCount = config.NumHiddenLayers;
        await state.WriteStateAsync();
        var clock = Stopwatch.StartNew();
        var (samples, mode) = await compute.Run(() => GrainErrors.Translate(() => LocalPruneJob.Calibration(request, message => LogCalibration(spec.JobId, message))));
        bool resume = state.State.Layers.Count > 0; // grain state is read here, never on the worker thread
        var output = await compute.Run(() => GrainErrors.Translate(() => PrunedModelWriter.Resume(spec.Model, spec.Output, spec.WorkDirectory, resume)));
        try
        {
            while (state.State.Layers.Count < config.NumHiddenLayers)
            {
                try
                {
                    await RunAttempt(spec, request, samples, output);
                }
                catch (Exception e) when (e is not ArgumentException && state.State.Attempt + 1 < MaxAttempts)
                {
                    // A shard's silo died: go on after the last finished layer with fresh shards.
                    LogResume(e, spec.JobId, state.State.Attempt, state.State.Layers.Count);
                    state.State.Attempt++;
                    state.State.Message = e.GetType().Name + ": " + e.Message;
                    await state.WriteStateAsync();
                }
            }

            var layers = state.State.Layers.Select(l => new LayerReport(l.Layer, l.Sparsity, l.Linears, l.Seconds) { Zeros = l.Zeros, Total = l.Total }).ToList();
            var report = PruningReport.Of(request, mode, samples, layers, LayerReport.TotalSparsity(layers), clock.Elapsed.TotalSeconds);
            await compute.Run(() =>
            {
                output.Complete(report);
                return 0;
            });
        }
        finally
        {
            output.Dispose();
        }

        state.State.State = WorkState.Done;
        state.State.Message = "";
        await state.WriteStateAsync();
        ShearTelemetry.JobsFinished.Add(1);
        return Progress();
    }

    private async Task RunAttempt(JobSpec spec, PruneRequest request, List<int[]> samples, PrunedModelWriter output)
    {
        int first = state.State.Layers.Count;
        bool calibrate = PruningMethods.Needs(request.Spec.Method) != StatisticsKind.None;
        var shards = new List<GrainShard>();
        try
        {
            if (calibrate)
            {
                int batches = ActivationSet.Plan(samples.Select(s => s.Length).ToList(), request.Spec.TokenBudget).Count;
                var silos = await ShardSilos.Choose(GrainFactory, state.State.Shards > 0 ? state.State.Shards : spec.Shards, batches);
                if (state.State.Shards == 0)
                {
                    state.State.Shards = silos.Count;
                    await state.WriteStateAsync();
                }

                for (int s = 0; s < silos.Count; s++)
                {
                    var grain = GrainFactory.GetGrain<IShardGrain>($"{spec.JobId}/{state.State.Attempt}/s{s}");
                    shards.Add(new GrainShard(grain));
                    ShardSilos.Pin(silos[s]);
                    try
                    {
                        await grain.Start(new ShardTask(spec, s, silos.Count, first));
                    }
                    finally
                    {
                        ShardSilos.Unpin();
                    }
                }
            }

            await LayerLoop.RunAsync(spec.Model, request.Spec, new ModelOptions(request.DType), output, shards, compute, first, Record);
        }
        finally
        {
            foreach (var shard in shards)
            {
                try
                {
                    await shard.Grain.Stop();
                }
                catch (Exception e) when (e is SiloUnavailableException or OrleansException or TimeoutException)
                {
                    LogStopFailed(spec.JobId, e.Message); // its silo is gone, and its memory with it
                }
            }
        }
    }

    private async Task Record(LayerReport report)
    {
        state.State.Layers.Add(new LayerOutcome(report.Index, report.Sparsity, report.Linears.ToDictionary(), report.Seconds, RuntimeIdentity) { Zeros = report.Zeros, Total = report.Total });
        await state.WriteStateAsync();
        ShearTelemetry.LayersPruned.Add(1);
    }

    private JobProgress Progress()
    {
        var s = state.State.Spec!;
        return new JobProgress(s.JobId, s.Calibration, s.Method, s.Pattern, state.State.State, state.State.Layers.Count, state.State.LayerCount, state.State.Message, s.Output);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Job}: {Message}")]
    private partial void LogCalibration(string job, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Job}: attempt {Attempt} failed after {Layers} layers; resuming")]
    private partial void LogResume(Exception e, string job, int attempt, int layers);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Job}: a shard could not be stopped: {Message}")]
    private partial void LogStopFailed(string job, string message);
}
