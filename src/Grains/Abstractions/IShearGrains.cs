using Orleans.Concurrency;

namespace Shear.Grains.Abstractions;

/// <summary>A sweep (key: sweep id): persisted spec and progress; expands into prune jobs and eval shards.</summary>
[Alias("shear.v1.ISweepGrain")]
public interface ISweepGrain : IGrainWithStringKey
{
    /// <summary>Starts the sweep (idempotent for the same spec); returns at once, the work runs in the cluster.</summary>
    [Alias("Submit")]
    Task Submit(SweepSpec spec);

    /// <summary>Where it stands; null when no sweep has this id.</summary>
    [Alias("GetStatus"), AlwaysInterleave]
    Task<SweepStatus?> GetStatus();

    /// <summary>Stops scheduling new work.</summary>
    [Alias("Cancel"), AlwaysInterleave]
    Task Cancel();

    /// <summary>Runs again only what failed (its failed jobs, from their last finished layer, and failed evaluations); returns how many it restarted.</summary>
    [Alias("Retry")]
    Task<int> Retry();
}

/// <summary>
/// A prune job (key: job id): a persisted state machine that drives itself one layer per timer tick, with a reminder
/// that brings it back after its silo was lost (the sweep's drive pattern).
/// </summary>
[Alias("shear.v1.IPruneJobGrain")]
public interface IPruneJobGrain : IGrainWithStringKey
{
    /// <summary>Starts the job (idempotent; a finished job stays finished) and returns at once with its progress.</summary>
    [Alias("Start")]
    Task<JobProgress> Start(JobSpec spec);

    /// <summary>Where it stands; null when no job has this id. No side effects.</summary>
    [Alias("GetProgress"), AlwaysInterleave]
    Task<JobProgress?> GetProgress();

    /// <summary>A failed job runs again from its last finished layer (its staged output is kept); other states are left as they are.</summary>
    [Alias("Retry")]
    Task<JobProgress?> Retry();
}

/// <summary>
/// One shard of a job's calibration batches (key: <c>JOB/attempt/sSHARD</c>), placed on one silo: it holds its batches'
/// activations from layer to layer in memory, loads each layer's weights itself from the shared volume, and computes on
/// its silo's device worker, never in a grain turn.
/// </summary>
[Alias("shear.v1.IShardGrain")]
public interface IShardGrain : IGrainWithStringKey
{
    /// <summary>Embeds this shard's batches of the job's samples and replays the finished layers; returns its batch count.</summary>
    [Alias("Start")]
    Task<int> Start(ShardTask task);

    /// <summary>Observes the dense layer over this shard's batches and returns its part of the statistics.</summary>
    [Alias("Observe")]
    Task<ShardBytes> Observe(int layer);

    /// <summary>
    /// This shard's part of the layer's mask step: the masks of <paramref name="linears"/> from the layer's reduced
    /// statistics (only those Linears'), at the layer's sparsity (null: the job's pattern, N:M), as bytes.
    /// </summary>
    [Alias("Masks")]
    Task<ShardBytes> Masks(int layer, ShardBytes statistics, string[] linears, double? sparsity);

    /// <summary>Runs this shard's batches through the pruned layer the job wrote.</summary>
    [Alias("Forward")]
    Task Forward(int layer);

    /// <summary>Frees the shard's activations and deactivates it.</summary>
    [Alias("Stop")]
    Task Stop();
}

/// <summary>
/// Runs one evaluation shard (key: shard id), placed on the least-busy capable silo: started, then polled (no call
/// waits for an evaluation).
/// </summary>
[Alias("shear.v1.IEvalGrain")]
public interface IEvalGrain : IGrainWithStringKey
{
    /// <summary>Starts the evaluation on the silo's device worker and returns at once (idempotent while it runs or is done; a failed one starts again).</summary>
    [Alias("Start")]
    Task Start(EvalShard shard);

    /// <summary>Where it stands: running, done with its result, or failed; null when this activation never started it (its silo was lost).</summary>
    [Alias("Poll"), AlwaysInterleave]
    Task<EvalShardProgress?> Poll();
}

/// <summary>The cluster's board of silo load (key 0): each silo posts its running work, placement reads it.</summary>
[Alias("shear.v1.IWorkBoardGrain")]
public interface IWorkBoardGrain : IGrainWithIntegerKey
{
    /// <summary>A silo's current load.</summary>
    [Alias("Post"), AlwaysInterleave]
    Task Post(SiloLoad load);

    /// <summary>Every silo's last posted load.</summary>
    [Alias("Read"), AlwaysInterleave]
    Task<SiloLoad[]> Read();
}

/// <summary>A silo's advertised capacity and current load.</summary>
/// <param name="Silo">Silo address text.</param>
/// <param name="Accelerator">cpu or cuda (the devices it computes on, not the ones it could see).</param>
/// <param name="Gpus">GPUs it computes on (one device worker each).</param>
/// <param name="FreeGpuMemory">The most free memory on one of its GPUs, in bytes (0 on CPU or when not measured).</param>
/// <param name="Running">Layer and eval work items running now.</param>
/// <param name="At">When posted (UTC).</param>
[GenerateSerializer, Immutable, Alias("shear.v1.SiloLoad")]
public sealed record SiloLoad(
    [property: Id(0)] string Silo,
    [property: Id(1)] string Accelerator,
    [property: Id(2)] int Gpus,
    [property: Id(3)] long FreeGpuMemory,
    [property: Id(4)] int Running,
    [property: Id(5)] DateTime At)
{
    /// <summary>Device workers (slots): one per GPU, or one cpu.</summary>
    [Id(6)]
    public int Devices { get; init; } = 1;

    /// <summary>Devices with no shard, job or eval holding them.</summary>
    [Id(7)]
    public int FreeSlots { get; init; } = 1;
}

/// <summary>Client-side helpers for eval grains.</summary>
public static class EvalGrains
{
    /// <summary>Starts a shard and polls it until it is done or failed (for tools and tests; the sweep grain polls by its timer).</summary>
    public static async Task<EvalShardProgress> Evaluate(this IEvalGrain grain, EvalShard shard, TimeSpan poll)
    {
        ArgumentNullException.ThrowIfNull(grain);
        await grain.Start(shard);
        while (true)
        {
            var progress = await grain.Poll() ?? throw new InvalidOperationException($"eval shard {shard?.ShardId} was lost");
            if (progress.State is WorkState.Done or WorkState.Failed)
            {
                return progress;
            }

            await Task.Delay(poll);
        }
    }
}
