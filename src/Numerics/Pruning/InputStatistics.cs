using static TorchSharp.torch;

namespace Shear.Numerics.Pruning;

/// <summary>
/// What one Linear's inputs looked like over the calibration samples. Wanda's <c>scaler_row</c> is
/// <c>(1/N) sum_samples sum_tokens x_j^2</c> (ANCHORS §1.5, closed form); SparseGPT's Hessian is
/// <c>H = (2/N) sum X X^T</c> (§3). Batches add their fp32 partial sums (squares reduced in fp32 as the reference
/// does) into a running total; the sample count N divides once at the end, which equals the reference's running
/// rescale without its drift.
/// </summary>
public sealed class InputStatistics : IDisposable
{
    private Tensor? _sumSquares; // (C) fp64
    private Tensor? _sumOuter;   // (C, C) fp32

    /// <summary>Creates empty statistics of the given kind.</summary>
    public InputStatistics(StatisticsKind kind) => Kind = kind;

    /// <summary>What is accumulated.</summary>
    public StatisticsKind Kind { get; }

    /// <summary>Calibration samples seen (the reference's <c>nsamples</c>).</summary>
    public long Samples { get; private set; }

    /// <summary>Tokens seen.</summary>
    public long Tokens { get; private set; }

    /// <summary>Adds one batch: <paramref name="inputs"/> (tokens, C) of real (unpadded) tokens from <paramref name="samples"/> samples.</summary>
    public void Add(Tensor inputs, long samples)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = inputs.to_type(ScalarType.Float32);
        Samples += samples;
        Tokens += x.shape[0];
        if (Kind == StatisticsKind.ActivationNorms)
        {
            var batch = x.pow(2).sum(0L).to_type(ScalarType.Float64); // (tokens, C) -> (C)
            _sumSquares = Accumulate(_sumSquares, batch);
        }
        else if (Kind == StatisticsKind.Hessian)
        {
            var batch = x.t().matmul(x); // (C, tokens) x (tokens, C) -> (C, C)
            _sumOuter = Accumulate(_sumOuter, batch);
        }
    }

    private static Tensor Accumulate(Tensor? total, Tensor batch)
    {
        if (total is null)
        {
            return batch.clone().DetachFromDisposeScope();
        }

        total.add_(batch);
        return total;
    }

    /// <summary>Wanda's <c>scaler_row</c> (C), fp32; the caller owns it.</summary>
    public Tensor ScalerRow()
    {
        if (Kind != StatisticsKind.ActivationNorms || _sumSquares is null || Samples == 0)
        {
            throw new InvalidOperationException("no activation statistics were gathered (did the calibration forward run?)");
        }

        using var scope = NewDisposeScope();
        return (_sumSquares / Samples).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>SparseGPT's Hessian (C, C), fp32; the caller owns it.</summary>
    public Tensor Hessian()
    {
        if (Kind != StatisticsKind.Hessian || _sumOuter is null || Samples == 0)
        {
            throw new InvalidOperationException("no Hessian was gathered (did the calibration forward run?)");
        }

        using var scope = NewDisposeScope();
        return (_sumOuter * (2.0 / Samples)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _sumSquares?.Dispose();
        _sumOuter?.Dispose();
    }
}
