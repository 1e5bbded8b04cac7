using static TorchSharp.torch;

namespace Shear.Numerics.Pruning;

/// <summary>
/// Turns a score matrix (rows = outputs, columns = inputs; low = prune first) into a boolean mask, True = pruned.
/// Ties are broken by a stable sort: the lower column index is pruned first.
/// </summary>
public static class SparsityMask
{
    /// <summary>Wanda's per-row rule: each row prunes exactly <c>floor(columns * ratio)</c> of its lowest scores.</summary>
    public static Tensor PerRow(Tensor score, double ratio)
    {
        ArgumentNullException.ThrowIfNull(score);
        using var scope = NewDisposeScope();
        long k = (long)(score.shape[1] * ratio); // Python's int(): truncation, as the reference
        var mask = zeros(score.shape, ScalarType.Bool, score.device);
        if (k > 0)
        {
            var (_, order) = score.sort(-1, false, true);
            mask.scatter_(1, order.narrow(1, 0, k), ones([score.shape[0], k], ScalarType.Bool, score.device));
        }

        return mask.MoveToOuterDisposeScope();
    }

    /// <summary>N:M: in each row, every group of M consecutive columns prunes its N lowest scores.</summary>
    public static Tensor NofM(Tensor score, int n, int m)
    {
        ArgumentNullException.ThrowIfNull(score);
        using var scope = NewDisposeScope();
        long rows = score.shape[0], cols = score.shape[1];
        var groups = score.reshape(rows, cols / m, m);     // (R, C) -> (R, C/M, M)
        var (_, order) = groups.sort(-1, false, true);
        var mask = zeros(groups.shape, ScalarType.Bool, score.device);
        mask.scatter_(2, order.narrow(2, 0, n), ones([rows, cols / m, n], ScalarType.Bool, score.device));
        return mask.reshape(rows, cols).MoveToOuterDisposeScope(); // (R, C/M, M) -> (R, C)
    }

    /// <summary>
    /// Magnitude's per-matrix rule: <c>thresh = sort(score.flatten())[int(numel * ratio)]</c>, prune <c>score &lt;= thresh</c>
    /// (so ties at the threshold may prune slightly more than the ratio, as the reference does).
    /// </summary>
    public static Tensor MatrixThreshold(Tensor score, double ratio)
    {
        ArgumentNullException.ThrowIfNull(score);
        using var scope = NewDisposeScope();
        long k = (long)(score.numel() * ratio);
        var flat = score.flatten();
        var thresh = flat.kthvalue(Math.Min(k + 1, flat.shape[0]), 0).values; // sorted[k], 0-based
        return (score <= thresh).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Wanda's variant (ANCHORS §1.8): each row prunes its lowest scores whose cumulative sum stays within
    /// alpha x (row sum), with alpha found by bisection so the matrix reaches <paramref name="ratio"/> within 0.001.
    /// A row whose smallest score already exceeds alpha x sum prunes nothing (the reference would index -1 there).
    /// </summary>
    public static Tensor WandaVariant(Tensor score, double ratio)
    {
        ArgumentNullException.ThrowIfNull(score);
        using var scope = NewDisposeScope();
        var (sorted, _) = score.sort(-1, false, true);
        var cumulative = sorted.cumsum(1);
        var rowSum = score.sum(1L);
        Tensor MaskFor(double alpha, out double achieved)
        {
            var keep = (cumulative <= (rowSum * alpha).unsqueeze(1)).sum(1L, keepdim: true); // (R, 1)
            var index = (keep - 1).clamp_min(0);
            var thresh = sorted.gather(1, index).masked_fill(keep.eq(0), double.NegativeInfinity);
            var m = score <= thresh;
            achieved = m.to_type(ScalarType.Float32).mean().item<float>(); // host: the reference's search for alpha reads each try's ratio
            return m;
        }

        double a = 0.4, lo = 0.0, hi = 0.8;
        var mask = MaskFor(a, out double current);
        while (Math.Abs(current - ratio) > 0.001 && hi - lo >= 0.001)
        {
            double next;
            if (current > ratio)
            {
                next = (a + lo) / 2;
                hi = a;
            }
            else
            {
                next = (a + hi) / 2;
                lo = a;
            }

            a = next;
            mask = MaskFor(a, out current);
        }

        return mask.MoveToOuterDisposeScope();
    }
}
