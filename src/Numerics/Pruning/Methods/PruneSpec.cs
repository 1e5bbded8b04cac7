using Shear.Numerics.Experiment;

namespace Shear.Numerics.Pruning;

/// <summary>What to prune and how (an experiment, not configuration).</summary>
/// <param name="Method">The method.</param>
/// <param name="Pattern">Unstructured ratio or N:M.</param>
public sealed record PruneSpec(PruningMethod Method, SparsityPattern Pattern)
{
    /// <summary>Padded tokens per calibration batch (memory vs speed).</summary>
    /// <value>Default 16384.</value>
    public int TokenBudget { get; init; } = 16384;

    /// <summary>SparseGPT column block width.</summary>
    /// <value>Default 128.</value>
    public int SparseGptBlockSize { get; init; } = MethodOptions.Default.SparseGptBlockSize;

    /// <summary>RIA's exponent of the input norms (its authors' <c>--a</c>).</summary>
    /// <value>Default 0.5.</value>
    public double RiaExponent { get; init; } = MethodOptions.Default.RiaExponent;

    /// <summary>OWL's layer sparsities (<see cref="Pruning.Owl"/>), or null for the same sparsity in every layer.</summary>
    public OwlOptions? Owl { get; init; }

    /// <summary>The sparsity of each layer found by OWL's pass over the dense model (null until then, or without OWL).</summary>
    public IReadOnlyList<double>? LayerSparsities { get; init; }

    /// <summary>The outlier ratio (percent) of each layer that OWL measured.</summary>
    public IReadOnlyList<double>? OutlierRatios { get; init; }

    /// <summary>The pattern of layer <paramref name="layer"/>: OWL's sparsity for it when unstructured, else <see cref="Pattern"/>.</summary>
    public SparsityPattern PatternFor(int layer) =>
        LayerSparsities is { } s && !Pattern.IsNofM ? SparsityPattern.Unstructured(s[layer]) : Pattern;

    /// <summary>Whether the run needs calibration samples: its method's statistics, or OWL's pass over the dense model.</summary>
    public bool NeedsCalibration => MethodStatistics.Needs(this) != StatisticsKind.None || Owl is not null;

    /// <summary>DSnoT's settings.</summary>
    public DsnotOptions Dsnot { get; init; } = new();

    /// <summary>SparseGPT dampening (fraction of the mean Hessian diagonal).</summary>
    /// <value>Default 0.01.</value>
    public double PercDamp { get; init; } = MethodOptions.Default.SparseGptDamp;

    /// <summary>
    /// The spec of a method (with OWL or without), a pattern and the experiment's method options: the one mapping from
    /// the vocabulary every front end speaks (<c>shear prune</c>'s flags, a sweep file's keys, a job on the wire).
    /// </summary>
    public static PruneSpec Of(PruningMethod method, bool owl, SparsityPattern pattern, MethodOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new PruneSpec(method, pattern)
        {
            RiaExponent = options.RiaExponent,
            Dsnot = new DsnotOptions { MaxCycles = options.DsnotCycles, UpdateThreshold = options.DsnotThreshold, SkipLayer = options.DsnotSkip, Initial = options.DsnotInitial },
            Owl = owl ? new OwlOptions(options.OwlM, options.OwlLambda) : null,
            SparseGptBlockSize = options.SparseGptBlockSize,
            PercDamp = options.SparseGptDamp,
        };
    }

    /// <summary>This spec's method options in the experiment's vocabulary (OWL's defaults where it does not use OWL).</summary>
    public MethodOptions Options => new()
    {
        RiaExponent = RiaExponent, DsnotCycles = Dsnot.MaxCycles, DsnotThreshold = Dsnot.UpdateThreshold, DsnotSkip = Dsnot.SkipLayer, DsnotInitial = Dsnot.Initial,
        OwlM = Owl?.M ?? MethodOptions.Default.OwlM, OwlLambda = Owl?.Lambda ?? MethodOptions.Default.OwlLambda,
        SparseGptBlockSize = SparseGptBlockSize, SparseGptDamp = PercDamp,
    };
}
