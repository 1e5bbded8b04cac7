using Shear.Numerics.Experiment;

namespace Shear.Grains.Abstractions;

/// <summary>One pruning job of a sweep: a model, a calibration set, a method and a pattern.</summary>
/// <param name="JobId">Unique id (<c>SWEEP/j3</c>).</param>
/// <param name="Model">Base checkpoint folder.</param>
/// <param name="Calibration">Calibration dataset.</param>
/// <param name="Method">Pruning method (with OWL or without).</param>
/// <param name="Pattern">Sparsity pattern (an unstructured one with its ratio).</param>
/// <param name="NSamples">Calibration samples.</param>
/// <param name="SeqLen">Calibration length.</param>
/// <param name="Seed">Sampling seed.</param>
/// <param name="Output">The sub-model's folder.</param>
/// <param name="DataDirectory">Datasets folder.</param>
[GenerateSerializer, Immutable, Alias("shear.v2.JobSpec")]
public sealed record JobSpec(
    [property: Id(0)] string JobId,
    [property: Id(1)] string Model,
    [property: Id(2)] CalibrationSet Calibration,
    [property: Id(3)] MethodChoice Method,
    [property: Id(4)] SparsityPattern Pattern,
    [property: Id(6)] int NSamples,
    [property: Id(7)] int SeqLen,
    [property: Id(8)] long Seed,
    [property: Id(9)] string Output,
    [property: Id(10)] string DataDirectory)
{
    /// <summary>Shards the job's calibration batches are split over; 0 = one per device slot (every GPU of the GPU silos when any silo has one, else one per silo), capped by the batch count.</summary>
    [Id(11)]
    public int Shards { get; init; }

    /// <summary>Padded tokens per calibration batch (batches are what shards split).</summary>
    /// <value>Default 16384.</value>
    [Id(12)]
    public int TokenBudget { get; init; } = 16384;

    /// <summary>What the output keeps: a full checkpoint, or masks over the base.</summary>
    /// <value>Default <see cref="KeepModes.SweepDefault"/>.</value>
    [Id(13)]
    public KeepMode Keep { get; init; } = KeepModes.SweepDefault;

    /// <summary>Compute dtype; null: the default of the device the job's mask step runs on (bf16 on CUDA, fp32 on CPU), which its shards then use too.</summary>
    [Id(14)]
    public ComputeDType? DType { get; init; }

    /// <summary>Every option of its method (the sweep's).</summary>
    [Id(15)]
    public MethodOptions Options { get; init; } = MethodOptions.Default;

    /// <summary>The silos its shards should run on, one per shard, as the sweep assigned them from its free slots (null: the least busy).</summary>
    [Id(16)]
    public string[]? ShardSilos { get; init; }

    /// <summary>The job's staging folder beside its output (the pruned checkpoint as it is written; it outlives attempts).</summary>
    public string WorkDirectory => Output.TrimEnd('/') + ".work";
}

/// <summary>What a shard grain is asked to run.</summary>
/// <param name="Job">The job.</param>
/// <param name="Shard">This shard's index.</param>
/// <param name="Shards">Shard count.</param>
/// <param name="FirstLayer">The first layer it observes (finished layers before it are replayed from the staged output).</param>
/// <param name="Samples">
/// The job's calibration samples (token ids, drawn once by the job; the shard embeds its batches of them), or null when
/// they are too many for a message: the shard then draws the same samples itself (the draw is seeded).
/// </param>
[GenerateSerializer, Immutable, Alias("shear.v2.ShardTask")]
public sealed record ShardTask(
    [property: Id(0)] JobSpec Job,
    [property: Id(1)] int Shard,
    [property: Id(2)] int Shards,
    [property: Id(3)] int FirstLayer,
    [property: Id(4)] int[][]? Samples)
{
    /// <summary>A shard of OWL's pass over the dense model: Wanda's statistics, forwards through the base's layers.</summary>
    [Id(5)]
    public bool Dense { get; init; }

    /// <summary>The compute dtype the job chose (every shard computes in it, whatever its device).</summary>
    [Id(6)]
    public ComputeDType DType { get; init; } = ComputeDType.Fp32;
}

/// <summary>
/// Bytes between a job and its shard for one layer (a shard's statistics, the job's reduced statistics for a shard's
/// Linears, a shard's masks): inline, or (when larger than a message should be) a file on the shared volume.
/// </summary>
/// <param name="Layer">Layer index.</param>
/// <param name="Bytes">The bytes, or null when they are in <paramref name="File"/>.</param>
/// <param name="File">A file holding the bytes (the reader deletes it after reading), or null.</param>
/// <param name="Length">Bytes.</param>
[GenerateSerializer, Immutable, Alias("shear.v1.ShardBytes")]
public sealed record ShardBytes(
    [property: Id(0)] int Layer,
    [property: Id(1)] byte[]? Bytes,
    [property: Id(2)] string? File,
    [property: Id(3)] long Length);

/// <summary>One finished layer: its sparsity per Linear and where it ran.</summary>
/// <param name="Layer">Layer index.</param>
/// <param name="Sparsity">Exact zeros over its Linears.</param>
/// <param name="Linears">Per Linear.</param>
/// <param name="Seconds">Observe + prune time.</param>
/// <param name="Silo">The silo that ran it.</param>
[GenerateSerializer, Immutable, Alias("shear.v1.LayerOutcome")]
public sealed record LayerOutcome(
    [property: Id(0)] int Layer,
    [property: Id(1)] double Sparsity,
    [property: Id(2)] Dictionary<string, double> Linears,
    [property: Id(3)] double Seconds,
    [property: Id(4)] string Silo)
{
    /// <summary>Exact zeros over its Linears.</summary>
    [Id(5)]
    public long Zeros { get; init; }

    /// <summary>Elements of its Linears.</summary>
    [Id(6)]
    public long Total { get; init; }

    /// <summary>Seconds of the job's own part of its mask step (reduce; masks unless the shards computed them; apply, write).</summary>
    [Id(7)]
    public double SerialSeconds { get; init; }

    /// <summary>Seconds of its whole mask step, the shards' masks included: what every shard waited for.</summary>
    [Id(8)]
    public double MaskSeconds { get; init; }

    /// <summary>Linears pruned by magnitude because no calibration token reached them (a mixture's unrouted experts).</summary>
    [Id(9)]
    public string[] ByMagnitude { get; init; } = [];
}
