using Shear.Grains.Abstractions;
using Shear.Grains.Placement;
using Shear.Numerics.Models;
using Shear.Numerics.Pruning;
using Shear.Numerics.Pruning.Loop;
using Shear.Numerics.Runtime;

namespace Shear.Grains;

/// <summary>
/// What one attempt of a job holds in memory (never persisted): its calibration samples, the staged output it writes
/// and its started shard grains. A new activation or a retry opens a fresh one; the persisted state says where to go on.
/// While OWL's pass over the dense model is unfinished the shards are dense ones (<see cref="Dense"/>); once its
/// ratios are all persisted, the next session's request carries the layer sparsities and its shards prune.
/// </summary>
internal sealed class PruneJobSession
{
    private PruneJobSession(PruneRequest request, CalibrationDraw draw, PrunedModelWriter output, List<GrainShard> shards, DeviceLease lease, ModelOptions options)
    {
        (Request, Draw, Output, Shards, Lease, Options) = (request, draw, output, shards, lease, options);
    }

    public PruneRequest Request { get; }

    /// <summary>The device the mask step runs on (held for the session) and its worker.</summary>
    public DeviceLease Lease { get; }

    /// <summary>The mask step's device and the job's dtype (the spec's, else the device's default; the shards use the same dtype).</summary>
    public ModelOptions Options { get; }

    public IComputeQueue Compute => Lease.Worker;

    /// <summary>The job's calibration samples and how they were drawn.</summary>
    public CalibrationDraw Draw { get; }

    public List<int[]> Samples => Draw.Samples;

    public PrunedModelWriter Output { get; }

    public List<GrainShard> Shards { get; }

    /// <summary>Whether the shards are OWL's dense ones (the pass over the dense model is not finished).</summary>
    public bool Dense { get; private init; }

    /// <summary>
    /// Loads the config (sets the layer count), draws the samples, reopens the staged output after the finished layers
    /// and starts the shards (their count fixed at the first attempt), each on its own silo while there are enough.
    /// All file and tensor work runs on the worker of the device leased from <paramref name="devices"/> (held until
    /// <see cref="Close"/>); grain state is read and written here only.
    /// </summary>
    public static async Task<PruneJobSession> Open(JobSpec spec, PruneJobState state, IGrainFactory grains, DevicePool devices, Action<string, string> warn)
    {
        var request = JobSpecs.Request(spec);
        var lease = devices.Lease();
        try
        {
            return await Open(spec, state, grains, request, lease, warn);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    private static async Task<PruneJobSession> Open(JobSpec spec, PruneJobState state, IGrainFactory grains, PruneRequest request, DeviceLease lease, Action<string, string> warn)
    {
        var compute = lease.Worker;
        var options = lease.Options(spec.DType);
        request = request with { DType = options.DType };
        var config = await compute.Run(() => GrainErrors.Translate(() =>
        {
            using var source = ModelSource.Open(spec.Model);
            source.CheckLayers(); // a bad checkpoint fails the job before its first layer
            return source.Config;
        }));
        state.LayerCount = config.NumHiddenLayers;
        bool dense = request.Spec.Owl is not null && state.OutlierRatios.Count < state.LayerCount;
        if (request.Spec.Owl is not null && !dense)
        {
            request = request with { Spec = LayerLoop.WithOwl(request.Spec, state.OutlierRatios) };
        }

        bool resume = state.Layers.Count > 0;
        // Generated calibration texts are read back from the staged output when the job resumes (never generated twice).
        var draw = await compute.Run(() => GrainErrors.Translate(() => LocalPruneJob.Calibration(request, message => warn(spec.JobId, message), resume ? spec.WorkDirectory : null)));
        var samples = draw.Samples;
        var output = await compute.Run(() => GrainErrors.Translate(() =>
        {
            var writer = PrunedModelWriter.Resume(spec.Model, spec.Output, spec.WorkDirectory, resume, request.Keep);
            LocalPruneJob.WriteGenerated(draw, writer); // before any shard starts: a shard that draws its own samples reads them there
            return writer;
        }));
        var shards = new List<GrainShard>();
        var session = new PruneJobSession(request, draw, output, shards, lease, options) { Dense = dense };
        try
        {
            if (dense || MethodStatistics.Needs(request.Spec.Method) != StatisticsKind.None)
            {
                int batches = ActivationSet.Plan(samples.Select(s => s.Length).ToList(), request.Spec.TokenBudget).Count;
                // Token ids travel in the start message up to a quarter of the message limit; beyond, each shard draws them.
                int[][]? inline = samples.Sum(s => (long)s.Length) * sizeof(int) <= ShearLimits.MaxMessageBodySize / 4 ? [.. samples] : null;
                var silos = await ShardSilos.Choose(grains, state.Shards > 0 ? state.Shards : spec.Shards, batches, state.Attempt == 0 ? spec.ShardSilos : null);
                state.Shards = silos.Count;
                for (int s = 0; s < silos.Count; s++)
                {
                    var grain = grains.GetGrain<IShardGrain>($"{spec.JobId}/{state.Attempt}/{(dense ? "owl" : "s")}{s}");
                    shards.Add(new GrainShard(grain, spec.WorkDirectory, options.Device, compute));
                    ShardSilos.Pin(silos[s]);
                    try
                    {
                        await grain.Start(new ShardTask(spec, s, silos.Count, dense ? state.OutlierRatios.Count : state.Layers.Count, inline) { Dense = dense, DType = ModelOptions.ComputeDTypeOf(options.DType) });
                    }
                    finally
                    {
                        ShardSilos.Unpin();
                    }
                }
            }

            return session;
        }
        catch
        {
            await session.Close(_ => { }, releaseDevice: false); // Open gives the lease back
            throw;
        }
    }

    /// <summary>Stops the shards (a shard on a lost silo is gone already), closes the staged output (kept for the next attempt) and gives the device back.</summary>
    public async Task Close(Action<string> warn, bool releaseDevice = true)
    {
        foreach (var shard in Shards)
        {
            try
            {
                await shard.Grain.Stop();
            }
            catch (Exception e) when (e is SiloUnavailableException or OrleansException or TimeoutException)
            {
                warn(e.Message);
            }
        }

        await Compute.Run(() =>
        {
            Output.Dispose();
            return 0;
        });
        if (releaseDevice)
        {
            Lease.Dispose();
        }
    }
}
