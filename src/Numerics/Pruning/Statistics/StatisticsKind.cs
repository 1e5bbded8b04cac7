namespace Shear.Numerics.Pruning;

/// <summary>What a method needs to know about a Linear's inputs.</summary>
public enum StatisticsKind
{
    /// <summary>Nothing (magnitude).</summary>
    None,

    /// <summary>Per-input-channel mean squared norm (Wanda's <c>scaler_row</c>).</summary>
    ActivationNorms,

    /// <summary>The input Hessian <c>H = (2/N) sum X X^T</c> (SparseGPT).</summary>
    Hessian,

    /// <summary>Wanda's norms with each channel's mean sum per sample and within-sample variance (DSnoT).</summary>
    ActivationMoments,

    /// <summary>The moments and the Hessian (DSnoT refining SparseGPT's metric).</summary>
    MomentsAndHessian,
}
