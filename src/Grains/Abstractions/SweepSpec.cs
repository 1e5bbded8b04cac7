using Shear.Numerics.Experiment;

namespace Shear.Grains.Abstractions;

/// <summary>
/// A sweep: every combination of model x calibration dataset x method x pattern is pruned, and each sub-model (and
/// each base model, the table's dense row) is evaluated on the domains.
/// </summary>
/// <param name="Models">Base checkpoint folders (as the silos see them: a shared volume).</param>
/// <param name="Calibrations">Calibration datasets (shear data list) or files.</param>
/// <param name="Methods">The methods, with OWL or without.</param>
/// <param name="Patterns">Every pattern a job is pruned with: each N:M pattern, and an unstructured one per sparsity.</param>
/// <param name="Domains">Evaluation domains; empty: no evaluation.</param>
/// <param name="NSamples">Calibration samples.</param>
/// <param name="SeqLen">Calibration window / length cap.</param>
/// <param name="Seed">Sampling and generation seed.</param>
/// <param name="Eval">How the models are evaluated (items per benchmark, samples, token limits).</param>
/// <param name="OutputDirectory">Where the sub-models are written (one folder per job).</param>
/// <param name="DataDirectory">Datasets folder (built-in sets in its builtin/).</param>
[GenerateSerializer, Immutable, Alias("shear.v2.SweepSpec")]
public sealed record SweepSpec(
    [property: Id(0)] string[] Models,
    [property: Id(1)] CalibrationSet[] Calibrations,
    [property: Id(2)] MethodChoice[] Methods,
    [property: Id(3)] SparsityPattern[] Patterns,
    [property: Id(5)] EvalDomain[] Domains,
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

    /// <summary>What each sub-model keeps: masks over the base, or a full checkpoint.</summary>
    /// <value>Default <see cref="KeepModes.SweepDefault"/> (masks), as in sweep files.</value>
    [Id(14)]
    public KeepMode Keep { get; init; } = KeepModes.SweepDefault;

    /// <summary>Compute dtype of its prune jobs and evaluations (the eval shards get it in their settings); null: each one's device default (bf16 on CUDA, fp32 on CPU).</summary>
    [Id(15)]
    public ComputeDType? DType { get; init; }

    /// <summary>Every option of the methods, for every job (<c>shear prune</c>'s flags, a sweep file's keys).</summary>
    [Id(16)]
    public MethodOptions Options { get; init; } = MethodOptions.Default;

    /// <summary>The one-at-a-time schedule (one job at a time, every evaluation after the last job) instead of the parallel one; for comparisons.</summary>
    /// <value>Default false: jobs run concurrently on the free device slots, a sub-model's evaluations as soon as it is written.</value>
    [Id(18)]
    public bool OneAtATime { get; init; }

    /// <summary>Whether the sweep prunes at more than one unstructured sparsity (job folders and rows then name it).</summary>
    public bool SeveralSparsities => Patterns.Count(p => !p.IsNofM) > 1;
}
