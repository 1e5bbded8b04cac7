using Shear.Numerics.Experiment;

namespace Shear.Numerics.Pruning;

/// <summary>Which calibration statistics a method needs.</summary>
public static class MethodStatistics
{
    /// <summary>The statistics <paramref name="spec"/> needs (DSnoT on SparseGPT's metric needs the Hessian too).</summary>
    public static StatisticsKind Needs(PruneSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Method == PruningMethod.Dsnot && spec.Dsnot.Initial == "sparsegpt" ? StatisticsKind.MomentsAndHessian : Needs(spec.Method);
    }

    /// <summary>Whether the method needs calibration statistics of the given kind.</summary>
    public static StatisticsKind Needs(PruningMethod method) => method switch
    {
        PruningMethod.Magnitude => StatisticsKind.None,
        PruningMethod.SparseGpt => StatisticsKind.Hessian,
        PruningMethod.Dsnot => StatisticsKind.ActivationMoments,
        _ => StatisticsKind.ActivationNorms,
    };
}
