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
    public int SparseGptBlockSize { get; init; } = SparseGptSolver.DefaultBlockSize;

    /// <summary>RIA's exponent of the input norms (its authors' <c>--a</c>).</summary>
    /// <value>Default 0.5.</value>
    public double RiaExponent { get; init; } = 0.5;

    /// <summary>DSnoT's settings.</summary>
    public DsnotOptions Dsnot { get; init; } = new();

    /// <summary>SparseGPT dampening (fraction of the mean Hessian diagonal).</summary>
    /// <value>Default 0.01.</value>
    public double PercDamp { get; init; } = SparseGptSolver.DefaultPercDamp;
}
