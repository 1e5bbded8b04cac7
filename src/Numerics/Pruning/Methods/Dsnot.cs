using Shear.Numerics.Experiment;
using static TorchSharp.torch;

namespace Shear.Numerics.Pruning;

/// <summary>DSnoT's settings (its authors' main.py defaults).</summary>
public sealed record DsnotOptions
{
    /// <summary>Most prune-and-grow cycles per Linear (<c>--max_cycle_time</c>).</summary>
    /// <value>Default 50.</value>
    public int MaxCycles { get; init; } = MethodOptions.Default.DsnotCycles;

    /// <summary>A row stops once its |reconstruction error| is at most this (<c>--update_threshold</c>).</summary>
    /// <value>Default 0.1.</value>
    public double UpdateThreshold { get; init; } = MethodOptions.Default.DsnotThreshold;

    /// <summary>The regrowing metric is divided by the input variance to this power (<c>--pow_of_var_regrowing</c>; 0 = not divided).</summary>
    /// <value>Default 1.</value>
    public double VariancePower { get; init; } = 1;

    /// <summary>The initial mask's metric (<c>--initial_method</c>): <c>wanda</c>, <c>magnitude</c> or <c>sparsegpt</c> (W^2 / diag(H^-1 factor)^2).</summary>
    /// <value>Default <c>wanda</c>.</value>
    public string Initial { get; init; } = MethodOptions.Default.DsnotInitial;

    /// <summary>Linears under this module keep the initial mask (<c>--skip_layer</c>: <c>mlp</c>, <c>self_attn</c> or <c>none</c>).</summary>
    /// <value>Default <c>mlp</c>.</value>
    public string SkipLayer { get; init; } = MethodOptions.Default.DsnotSkip;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">Out of range (named).</exception>
    public void Validate()
    {
        (MethodOptions.Default with { DsnotCycles = MaxCycles, DsnotThreshold = UpdateThreshold, DsnotInitial = Initial, DsnotSkip = SkipLayer }).Validate();
        if (!double.IsFinite(VariancePower) || VariancePower < 0 || VariancePower > 4)
        {
            throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"DSnoT variance power {VariancePower}: expected 0..4"));
        }
    }
}

/// <summary>
/// DSnoT (Zhang et al., ICLR 2024; its authors' <c>prune_DSnoT</c>): an initial mask (Wanda's by default, or
/// magnitude's or SparseGPT's metric, <see cref="DsnotOptions.Initial"/>) refined without training. Per
/// output row, the reconstruction error is the sum over pruned weights of W_ij x mean_j (the mean input, summed over
/// tokens per sample); cycles regrow the pruned weight that cuts the error most (the regrowing metric W_ij x mean_j /
/// var_j, from the end its sign calls for) and prune the least important retained weight of the opposite sign
/// (Wanda's order, negatives first and positives from the other end), until a row's |error| is at most the threshold
/// or the cycle limit. N:M swaps stay within the regrown weight's group and stop a row when the error would change
/// sign. Where the reference would index past the end of an order (a small matrix, many cycles), that row stops.
/// </summary>
public static class Dsnot
{
    /// <summary>Whether DSnoT refines the Linear <paramref name="name"/> (relative to its layer) or keeps Wanda's mask.</summary>
    public static bool Refines(string name, DsnotOptions options)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(options);
        return name.Split('.')[0] != options.SkipLayer;
    }

    /// <summary>The mask (True = pruned) of one Linear: Wanda's, refined by DSnoT unless <paramref name="refine"/> is false.</summary>
    public static Tensor Mask(Tensor weight, InputStatistics statistics, SparsityPattern pattern, DsnotOptions options, bool refine)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(options);
        using var scope = NewDisposeScope();
        var w = weight.to_type(ScalarType.Float32);
        var wanda = LayerPruner.Score(w, statistics);                       // |W| sqrt(scaler_row): the pruning order
        var initial = options.Initial switch
        {
            "magnitude" => w.abs(),
            "sparsegpt" => SparseGptMetric(w, statistics),
            _ => wanda,
        };
        if (!refine)
        {
            return (pattern.IsNofM ? SparsityMask.NofM(initial, pattern.N, pattern.M) : SparsityMask.PerRow(initial, pattern.Ratio)).MoveToOuterDisposeScope();
        }

        using var meanRow = statistics.SumRow();
        using var variance = statistics.Variance();
        var metric = w * meanRow.reshape(1, -1);                             // DSnoT_metric, signed
        var mask = pattern.IsNofM
            ? RefineNofM(metric, initial, variance, pattern.N, pattern.M, options)
            : RefineUnstructured(metric, initial, wanda, variance, pattern.Ratio, options);
        return mask.MoveToOuterDisposeScope();
    }

    // prune_DSnoT's sparsegpt initial metric: W^2 / diag(U)^2 with U the upper Cholesky factor of the damped inverse
    // Hessian (dead inputs' weights zeroed first), percdamp 0.01; the kept weights are not updated.
    private static Tensor SparseGptMetric(Tensor w, InputStatistics statistics)
    {
        using var h = statistics.Hessian();
        var zeroed = w.clone();
        var u = SparseGptSolver.UpperInverseFactor(h, zeroed, SparseGptSolver.DefaultPercDamp);
        return zeroed.pow(2) / u.diagonal().reshape(1, -1).pow(2);
    }

    private static Tensor RefineUnstructured(Tensor metric, Tensor initial, Tensor wandaScore, Tensor variance, double ratio, DsnotOptions o)
    {
        long rows = initial.shape[0], cols = initial.shape[1];
        long pruned = (long)(cols * ratio), kept = cols - pruned;           // Python's int(cols * ratio)
        var (_, order) = initial.sort(-1, false, true);
        var pruneIdx = order.narrow(1, 0, pruned);
        var keptIdx = order.narrow(1, pruned, kept);
        var mask = zeros(initial.shape, ScalarType.Bool, initial.device);
        mask.scatter_(1, pruneIdx, ones(pruneIdx.shape, ScalarType.Bool, initial.device));
        if (pruned == 0 || kept == 0)
        {
            return mask;
        }

        var regrow = metric.clone().scatter_(1, keptIdx, zeros(keptIdx.shape, ScalarType.Float32, initial.device));
        var error = regrow.sum(1, keepdim: true);                             // (R, 1)
        if (o.VariancePower != 0)
        {
            regrow = regrow / variance.reshape(1, -1).pow(o.VariancePower);
        }

        var (_, regrowOrder) = regrow.sort(1, false, true);
        var wanda = wandaScore.clone().scatter_(1, pruneIdx, full(pruneIdx.shape, double.PositiveInfinity, ScalarType.Float32, initial.device));
        var (_, wandaOrder) = wanda.sort(1, false, true);
        var keptByWanda = wandaOrder.narrow(1, 0, kept);                       // retained, least important first
        var pruneOrder = keptByWanda.gather(1, NegativesThenPositivesReversed(metric.gather(1, keptByWanda)));
        var regrowAt = Pointers(rows, cols, initial.device);
        var pruneAt = Pointers(rows, kept, initial.device);
        var update = ones([rows, 1], ScalarType.Bool, initial.device);
        // host: one flag per cycle, whether any row still swaps (the reference's loop condition)
        for (int cycle = 0; cycle < o.MaxCycles && update.any().item<bool>(); cycle++)
        {
            using var step = NewDisposeScope();
            var (regrowI, regrowOk) = Take(regrowOrder, regrowAt, error.gt(0));
            var regrowM = metric.gather(1, regrowI);
            var (pruneI, pruneOk) = Take(pruneOrder, pruneAt, error.lt(0));
            var pruneM = metric.gather(1, pruneI);
            var inRange = regrowOk.logical_and(pruneOk);
            update.logical_and_(error.abs().gt(o.UpdateThreshold)).logical_and_(inRange); // --without_same_sign (the authors' default)
            Write(mask, pruneI, update, inRange);
            Write(mask, regrowI, update.logical_not(), inRange);
            error.add_(where(update, pruneM, zeros_like(pruneM))).sub_(where(update, regrowM, zeros_like(regrowM)));
        }

        return mask;
    }

    private static Tensor RefineNofM(Tensor metric, Tensor initial, Tensor variance, int n, int m, DsnotOptions o)
    {
        long rows = initial.shape[0], cols = initial.shape[1];
        var groups = initial.reshape(rows, cols / m, m);
        var (_, order) = groups.sort(-1, false, true);
        var offsets = arange(0, cols, m, ScalarType.Int64, initial.device).reshape(1, -1, 1);
        var pruneIdx = (order.narrow(2, 0, n) + offsets).reshape(rows, -1);
        var keptIdx = (order.narrow(2, n, m - n) + offsets).reshape(rows, -1);
        var mask = zeros(initial.shape, ScalarType.Bool, initial.device);
        mask.scatter_(1, pruneIdx, ones(pruneIdx.shape, ScalarType.Bool, initial.device));
        var regrow = metric.clone().scatter_(1, keptIdx, zeros(keptIdx.shape, ScalarType.Float32, initial.device));
        var error = regrow.sum(1, keepdim: true);
        var sign = error.sign();
        if (o.VariancePower != 0)
        {
            regrow = regrow / variance.reshape(1, -1).pow(o.VariancePower);
        }

        var (_, regrowOrder) = regrow.sort(1, false, true);
        var available = initial.clone().scatter_(1, pruneIdx, full(pruneIdx.shape, double.PositiveInfinity, ScalarType.Float32, initial.device));
        var (top, _) = available.max(1, keepdim: true);
        var taken = top + 1;               // inf: a weight pruned by a swap is not pruned again
        var regrowAt = Pointers(rows, cols, initial.device);
        var within = arange(m, ScalarType.Int64, initial.device).reshape(1, -1);
        var update = ones([rows, 1], ScalarType.Bool, initial.device);
        // host: one flag per cycle, whether any row still swaps (the reference's loop condition)
        for (int cycle = 0; cycle < o.MaxCycles && update.any().item<bool>(); cycle++)
        {
            using var step = NewDisposeScope();
            var side = error.gt(0);
            var (regrowI, inRange) = Peek(regrowOrder, regrowAt, side);
            var regrowM = metric.gather(1, regrowI);
            var start = regrowI - regrowI.remainder(m);
            var group = available.gather(1, within + start);                  // (R, M)
            inRange = inRange.logical_and(group.isinf().logical_not().any(1, keepdim: true)); // a group with no weight left: the reference's topk would tie
            var pruneI = group.argmin(1, keepdim: true) + start;
            var pruneM = metric.gather(1, pruneI);
            var after = error + pruneM - regrowM;
            update.logical_and_(sign.eq(after.sign())).logical_and_(error.abs().gt(o.UpdateThreshold)).logical_and_(inRange);
            available.scatter_(1, pruneI, where(inRange, taken, available.gather(1, pruneI)));
            Write(mask, pruneI, update, inRange);
            Write(mask, regrowI, update.logical_not(), inRange);
            error.add_(where(update, pruneM, zeros_like(pruneM))).sub_(where(update, regrowM, zeros_like(regrowM)));
            Advance(regrowAt, side);
        }

        return mask;
    }

    // prune.py's return_reorder_indice: positions of negative entries in order, then of positive entries in reverse
    // order, computed as the reference does (the two padded sorts added, so rows with zeros combine as there).
    private static Tensor NegativesThenPositivesReversed(Tensor values)
    {
        long rows = values.shape[0], cols = values.shape[1];
        var positions = arange(cols, ScalarType.Float64, values.device).reshape(1, -1).expand(rows, cols);
        var inf = full([rows, cols], double.PositiveInfinity, ScalarType.Float64, values.device);
        var (positive, _) = where(values.gt(0), positions, inf).sort(1);
        var (negative, _) = where(values.lt(0), positions, inf).sort(1);
        positive = positive.flip(1);
        positive = where(positive.isinf(), zeros_like(positive), positive);
        negative = where(negative.isinf(), zeros_like(negative), negative);
        return (positive + negative).to_type(ScalarType.Int64);
    }

    // Two pointers per row into an order of length n: the front (0, moving on) and the back (n - 1, moving back).
    private static Tensor Pointers(long rows, long n, Device device)
    {
        var p = zeros([rows, 2], ScalarType.Int64, device);
        p.select(1, 1).fill_(n - 1);
        return p;
    }

    // The entry of each row's order at its chosen pointer (back where fromBack), whether that pointer is in range,
    // and the pointer moved on.
    private static (Tensor Index, Tensor InRange) Take(Tensor order, Tensor pointers, Tensor fromBack)
    {
        var result = Peek(order, pointers, fromBack);
        Advance(pointers, fromBack);
        return result;
    }

    private static (Tensor Index, Tensor InRange) Peek(Tensor order, Tensor pointers, Tensor fromBack)
    {
        var side = fromBack.to_type(ScalarType.Int64);
        var at = pointers.gather(1, side);
        var inRange = at.ge(0).logical_and(at.lt(order.shape[1]));
        return (order.gather(1, at.clamp(0, order.shape[1] - 1)), inRange);
    }

    private static void Advance(Tensor pointers, Tensor fromBack)
    {
        var side = fromBack.to_type(ScalarType.Int64);
        pointers.scatter_(1, side, pointers.gather(1, side) + (1 - (2 * side)));
    }

    // mask[row, index] = value where the row's pointers were in range; untouched elsewhere.
    private static void Write(Tensor mask, Tensor index, Tensor value, Tensor inRange) =>
        mask.scatter_(1, index, where(inRange, value, mask.gather(1, index)));
}
