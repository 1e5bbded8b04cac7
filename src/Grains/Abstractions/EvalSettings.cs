using Shear.Numerics.Experiment;

namespace Shear.Grains.Abstractions;

/// <summary>
/// How a sweep evaluates its models, carried unchanged from the sweep to each evaluation shard. A null field takes the
/// evaluation's own default (Numerics' <c>EvalOptions</c>: the one set of defaults, the thesis's settings).
/// </summary>
[GenerateSerializer, Immutable, Alias("shear.v2.EvalSettings")]
public sealed record EvalSettings
{
    /// <summary>Items per benchmark; null: all.</summary>
    [Id(0)]
    public int? Limit { get; init; }

    /// <summary>Samples per code problem.</summary>
    [Id(1)]
    public int? CodeSamples { get; init; }

    /// <summary>Samples per translation sentence.</summary>
    [Id(2)]
    public int? TranslationSamples { get; init; }

    /// <summary>New tokens per code sample.</summary>
    [Id(3)]
    public int? CodeMaxNewTokens { get; init; }

    /// <summary>New tokens per translation sample.</summary>
    [Id(4)]
    public int? TranslationMaxNewTokens { get; init; }

    /// <summary>Compute dtype; null: the default of the device the shard lands on (bf16 on CUDA, fp32 on CPU).</summary>
    [Id(5)]
    public ComputeDType? DType { get; init; }
}
