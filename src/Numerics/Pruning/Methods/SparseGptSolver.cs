using Shear.Numerics.Experiment;

using static TorchSharp.torch;

namespace Shear.Numerics.Pruning;

/// <summary>
/// SparseGPT's <c>fasterprune</c> (ANCHORS §3): prune columns block by block using the upper Cholesky factor of the
/// damped inverse Hessian, updating the not-yet-pruned weights to compensate (OBS), with a lazy update of the
/// columns right of each block.
/// </summary>
public static class SparseGptSolver
{
    /// <summary>The reference's defaults.</summary>
    public const int DefaultBlockSize = 128;

    /// <summary>Dampening as a fraction of the mean Hessian diagonal.</summary>
    public const double DefaultPercDamp = 0.01;

    /// <summary>
    /// Prunes <paramref name="weight"/> (R, C) given the input Hessian <paramref name="hessian"/> (C, C). Returns the
    /// reconstructed weights (fp32, zero where pruned) and the mask (True = pruned); the caller owns both.
    /// </summary>
    /// <exception cref="InvalidOperationException">The damped Hessian is not positive definite (raise the dampening).</exception>
    public static (Tensor Weight, Tensor Mask) Prune(Tensor weight, Tensor hessian, SparsityPattern pattern, int blockSize = DefaultBlockSize, double percDamp = DefaultPercDamp)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(hessian);
        ArgumentNullException.ThrowIfNull(pattern);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var w = weight.to_type(ScalarType.Float32).clone();
        var hinv = UpperInverseFactor(hessian, w, percDamp);
        long cols = w.shape[1];
        var mask = zeros(w.shape, ScalarType.Bool, w.device);
        for (long i1 = 0; i1 < cols; i1 += blockSize)
        {
            using var block = NewDisposeScope();
            long count = Math.Min(blockSize, cols - i1);
            var w1 = w.narrow(1, i1, count).clone();
            var q1 = zeros_like(w1);
            var err1 = zeros_like(w1);
            var hinv1 = hinv.narrow(0, i1, count).narrow(1, i1, count);
            var d2 = hinv1.diagonal().pow(2).unsqueeze(0); // (1, count)
            var mask1 = pattern.IsNofM ? zeros(w1.shape, ScalarType.Bool, w.device) : BlockThreshold(w1, d2, pattern.Ratio);
            for (long i = 0; i < count; i++)
            {
                using var column = NewDisposeScope();
                if (pattern.IsNofM && i % pattern.M == 0)
                {
                    var score = w1.narrow(1, i, pattern.M).pow(2) / d2.narrow(1, i, pattern.M);
                    var smallest = score.topk(pattern.N, 1, largest: false).indexes + i;
                    mask1.scatter_(1, smallest, ones(smallest.shape, ScalarType.Bool, w.device));
                }

                var col = w1[.., i];
                var q = col.masked_fill(mask1[.., i], 0.0);
                q1[.., i] = q;
                var d = hinv1[i, i];
                var err = (col - q) / d;
                // OBS: spread this column's error over the remaining columns of the block.
                w1.narrow(1, i, count - i).sub_(err.unsqueeze(1).matmul(hinv1[i].narrow(0, i, count - i).unsqueeze(0)));
                err1[.., i] = err;
            }

            w.narrow(1, i1, count).copy_(q1);
            mask.narrow(1, i1, count).copy_(mask1);
            if (i1 + count < cols)
            {
                w.narrow(1, i1 + count, cols - i1 - count).sub_(err1.matmul(hinv.narrow(0, i1, count).narrow(1, i1 + count, cols - i1 - count)));
            }
        }

        return (w.MoveToOuterDisposeScope(), mask.MoveToOuterDisposeScope());
    }

    /// <summary>One threshold over the whole block: prune <c>w^2 / d^2 &lt;= sort(...)[int(numel * ratio)]</c>.</summary>
    private static Tensor BlockThreshold(Tensor w1, Tensor d2, double ratio)
    {
        var score = w1.pow(2) / d2;
        var flat = score.flatten();
        long k = (long)(flat.shape[0] * ratio);
        var thresh = flat.sort().Values[k];
        return score <= thresh;
    }

    /// <summary>Dead inputs zeroed, dampening added, then <c>cholesky(cholesky_inverse(cholesky(H)), upper=True)</c>.</summary>
    /// <summary>The upper Cholesky factor of the damped inverse Hessian (dead inputs: diagonal 1, their weights in <paramref name="w"/> zeroed).</summary>
    internal static Tensor UpperInverseFactor(Tensor hessian, Tensor w, double percDamp)
    {
        var h = hessian.to_type(ScalarType.Float32).clone();
        var dead = h.diagonal().eq(0);
        h.diagonal().masked_fill_(dead, 1.0); // no dead input: nothing changes (and nothing is read back to decide)
        w.masked_fill_(dead.unsqueeze(0), 0.0);
        h.diagonal().add_(h.diagonal().mean() * percDamp); // damp = percdamp * mean(diag(H)), a tensor as in the reference
        var (lower, info) = linalg.cholesky_ex(h);
        if (info.item<int>() != 0) // host: the solve's one check, so that a singular Hessian is named
        {
            throw new InvalidOperationException($"SparseGPT: the damped Hessian ({h.shape[0]}x{h.shape[0]}) is not positive definite; raise the dampening (percdamp {percDamp})");
        }

        var inverse = cholesky_inverse(lower);
        return linalg.cholesky(inverse).t().contiguous(); // upper factor U with H^-1 = U^T U
    }
}
