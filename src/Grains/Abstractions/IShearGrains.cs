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
}

/// <summary>A prune job (key: job id): drives the layers in order and records the last finished one.</summary>
[Alias("shear.v1.IPruneJobGrain")]
public interface IPruneJobGrain : IGrainWithStringKey
{
    /// <summary>Runs the job to the end (resuming after the last finished layer) and returns the final progress.</summary>
    [Alias("Run")]
    Task<JobProgress> Run(JobSpec spec);

    /// <summary>Where it stands.</summary>
    [Alias("GetProgress"), AlwaysInterleave]
    Task<JobProgress?> GetProgress();
}

/// <summary>A layer of a job (key: <c>JOB/attempt/LAYER</c>): loads only its weights, receives its inputs, prunes, passes its outputs on.</summary>
[Alias("shear.v1.ILayerGrain")]
public interface ILayerGrain : IGrainWithStringKey
{
    /// <summary>Loads the layer's weights.</summary>
    [Alias("Start")]
    Task Start(LayerTask task);

    /// <summary>Takes a part of an input batch (the fallback path: chunked grain messages).</summary>
    [Alias("Receive")]
    Task Receive(ActivationChunk chunk);

    /// <summary>
    /// Takes a whole input batch by fetching its bytes from the sender's data plane. Returns false when this silo
    /// cannot reach that data plane (the sender then falls back to chunked messages).
    /// </summary>
    [Alias("ReceiveHandle")]
    Task<bool> ReceiveHandle(ActivationHandle batch);

    /// <summary>Prunes (once every batch has arrived), saves its part and masks, sends its outputs to <paramref name="next"/> (null: last layer).</summary>
    [Alias("Finish")]
    Task<LayerOutcome> Finish(string? next);
}

/// <summary>Runs one evaluation shard (key: shard id), placed on the least-busy capable silo.</summary>
[Alias("shear.v1.IEvalGrain")]
public interface IEvalGrain : IGrainWithStringKey
{
    /// <summary>Evaluates and returns the shard's result.</summary>
    [Alias("Run")]
    Task<EvalShardProgress> Run(EvalShard shard);
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
/// <param name="Accelerator">cpu or cuda.</param>
/// <param name="Gpus">GPU count.</param>
/// <param name="FreeGpuMemory">Free GPU memory in bytes (0 on CPU).</param>
/// <param name="Running">Layer and eval work items running now.</param>
/// <param name="At">When posted (UTC).</param>
[GenerateSerializer, Immutable, Alias("shear.v1.SiloLoad")]
public sealed record SiloLoad(
    [property: Id(0)] string Silo,
    [property: Id(1)] string Accelerator,
    [property: Id(2)] int Gpus,
    [property: Id(3)] long FreeGpuMemory,
    [property: Id(4)] int Running,
    [property: Id(5)] DateTime At);
