using Shear.Numerics.Experiment;

namespace Shear.Grains.Abstractions;

/// <summary>
/// A sweep: every combination of model x calibration dataset x method x pattern is pruned, and each sub-model (and
/// each base model, the table's dense row) is evaluated on the domains.
/// </summary>
/// <param name="Models">Base checkpoint folders (as the silos see them: a shared volume).</param>
/// <param name="Calibrations">Calibration dataset names (shear data list).</param>
/// <param name="Methods">wanda, wanda-variant, magnitude, sparsegpt, ria, dsnot.</param>
/// <param name="Patterns">unstructured, 2:4, 4:8, ...</param>
/// <param name="Sparsity">Fraction pruned for unstructured patterns (the first of <see cref="Sparsities"/> when that is set).</param>
/// <param name="Domains">Evaluation domains (code, csr, translation, math, ppl); empty: no evaluation.</param>
/// <param name="NSamples">Calibration samples.</param>
/// <param name="SeqLen">Calibration window / length cap.</param>
/// <param name="Seed">Sampling and generation seed.</param>
/// <param name="Eval">How the models are evaluated (items per benchmark, samples, token limits).</param>
/// <param name="OutputDirectory">Where the sub-models are written (one folder per job).</param>
/// <param name="DataDirectory">Datasets folder (built-in sets in its builtin/).</param>
[GenerateSerializer, Immutable, Alias("shear.v1.SweepSpec")]
public sealed record SweepSpec(
    [property: Id(0)] string[] Models,
    [property: Id(1)] string[] Calibrations,
    [property: Id(2)] string[] Methods,
    [property: Id(3)] string[] Patterns,
    [property: Id(4)] double Sparsity,
    [property: Id(5)] string[] Domains,
    [property: Id(6)] int NSamples,
    [property: Id(7)] int SeqLen,
    [property: Id(8)] long Seed,
    [property: Id(9)] EvalSettings Eval,
    [property: Id(10)] string OutputDirectory,
    [property: Id(11)] string DataDirectory)
{
    /// <summary>Silos each prune job's calibration batches are split over (data-parallel shards).</summary>
    /// <value>Default 0: every active silo, capped by the job's batch count.</value>
    [Id(12)]
    public int Shards { get; init; }

    /// <summary>Padded tokens per calibration batch.</summary>
    /// <value>Default 16384.</value>
    [Id(13)]
    public int TokenBudget { get; init; } = 16384;

    /// <summary>What each sub-model keeps: <c>masks</c> (over the base) or <c>checkpoints</c>.</summary>
    /// <value>Default checkpoints here (a persisted spec without the field); sweep files default to masks.</value>
    [Id(14)]
    public string Keep { get; init; } = "checkpoints";

    /// <summary>Compute dtype of its prune jobs and evaluations (fp32, bf16; the eval shards get it in their settings); null: each one's device default (bf16 on CUDA, fp32 on CPU).</summary>
    [Id(15)]
    public string? DType { get; init; }

    /// <summary>Every option of the methods, for every job (<c>shear prune</c>'s flags, a sweep file's keys).</summary>
    [Id(16)]
    public MethodOptions Options { get; init; } = MethodOptions.Default;

    /// <summary>The sparsities the unstructured patterns are pruned at, each a job of its own; null or empty: <see cref="Sparsity"/> alone.</summary>
    [Id(17)]
    public double[]? Sparsities { get; init; }

    /// <summary>The one-at-a-time schedule (one job at a time, every evaluation after the last job) instead of the parallel one; for comparisons.</summary>
    /// <value>Default false: jobs run concurrently on the free device slots, a sub-model's evaluations as soon as it is written.</value>
    [Id(18)]
    public bool OneAtATime { get; init; }

    /// <summary>The sparsities the sweep prunes unstructured patterns at.</summary>
    public IReadOnlyList<double> AllSparsities => Sparsities is { Length: > 0 } s ? s : [Sparsity];
}
