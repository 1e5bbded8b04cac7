using Shear.Numerics.Experiment;
using Shear.Numerics.Models;
using static TorchSharp.torch;

namespace Shear.Numerics.Pruning;

/// <summary>
/// The per-layer pruning API that the local loop and the layer grains share:
/// <see cref="Observe(DecoderLayer, ActivationSet, PruneSpec)"/> -> <see cref="ComputeMasks"/> -> <see cref="Apply"/> -> <see cref="Forward"/>.
/// </summary>
public static class LayerPruner
{
    /// <summary>Runs the still-dense layer over the inputs with hooks on all its Linears (one pass for all of them).</summary>
    public static LayerStatistics Observe(DecoderLayer layer, ActivationSet inputs, PruningMethod method) => Observe(layer, inputs, MethodStatistics.Needs(method));

    /// <summary>As above, with the statistics <paramref name="spec"/> needs.</summary>
    public static LayerStatistics Observe(DecoderLayer layer, ActivationSet inputs, PruneSpec spec) => Observe(layer, inputs, MethodStatistics.Needs(spec));

    private static LayerStatistics Observe(DecoderLayer layer, ActivationSet inputs, StatisticsKind kind)
    {
        ArgumentNullException.ThrowIfNull(layer);
        using var observer = new LayerObserver(layer, kind);
        if (kind != StatisticsKind.None)
        {
            observer.Run(layer, inputs);
        }

        return observer.Take(layer.Index);
    }

    /// <summary>
    /// Computes every Linear's mask (and SparseGPT's new weights) from the statistics, or only those of
    /// <paramref name="only"/> (a shard's part of the layer: every method's threshold rule lies within one Linear, so
    /// the parts together are the whole layer's masks); weights are not changed.
    /// </summary>
    public static LayerMasks ComputeMasks(DecoderLayer layer, LayerStatistics statistics, PruneSpec spec, IReadOnlyCollection<string>? only = null)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(spec);
        var result = new LayerMasks { Layer = layer.Index };
        using var noGrad = no_grad();
        foreach (var (name, linear) in LayerObserver.Linears(layer).Where(l => only is null || only.Contains(l.Name)))
        {
            using var scope = NewDisposeScope();
            var weight = linear.weight!;
            spec.Pattern.Validate(weight.shape[1], $"{layer.Prefix}{name}");
            if (MethodStatistics.Needs(spec) != StatisticsKind.None && statistics.Linears[name].Tokens == 0)
            {
                // A mixture's expert that no calibration token was routed to has no statistics: magnitude decides.
                result.AddByMagnitude(name, MaskFor(Score(weight, null), spec with { Method = PruningMethod.Magnitude }));
                continue;
            }

            if (spec.Method == PruningMethod.SparseGpt)
            {
                using var h = statistics.Linears[name].Hessian();
                var (w, mask) = SparseGptSolver.Prune(weight, h, spec.Pattern, spec.SparseGptBlockSize, spec.PercDamp);
                result.Add(name, mask, w.to_type(weight.dtype));
                continue;
            }

            if (spec.Method == PruningMethod.Dsnot)
            {
                result.Add(name, Dsnot.Mask(weight, statistics.Linears[name], spec.Pattern, spec.Dsnot, Dsnot.Refines(name, spec.Dsnot)));
                continue;
            }

            var score = spec.Method switch
            {
                PruningMethod.Magnitude => Score(weight, null),
                PruningMethod.Ria => RiaScore(weight, statistics.Linears[name], spec.RiaExponent),
                _ => Score(weight, statistics.Linears[name]),
            };
            result.Add(name, MaskFor(score, spec));
        }

        return result;
    }

    /// <summary>The pruning score: |W| for magnitude, |W| x sqrt(scaler_row) for Wanda (ANCHORS §1.6), fp32.</summary>
    public static Tensor Score(Tensor weight, InputStatistics? statistics)
    {
        ArgumentNullException.ThrowIfNull(weight);
        using var scope = NewDisposeScope();
        var abs = weight.abs().to_type(ScalarType.Float32);
        if (statistics is null)
        {
            return abs.MoveToOuterDisposeScope();
        }

        using var scaler = statistics.ScalerRow();
        return (abs * scaler.sqrt().reshape(1, -1)).MoveToOuterDisposeScope(); // (R, C) x (1, C)
    }

    /// <summary>
    /// RIA's score (its authors' <c>prune_ria</c>): (|W| / its column's sum of |W| + |W| / its row's sum of |W|) x
    /// sqrt(scaler_row)^a, fp32.
    /// </summary>
    public static Tensor RiaScore(Tensor weight, InputStatistics statistics, double exponent)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(statistics);
        using var scope = NewDisposeScope();
        var abs = weight.abs().to_type(ScalarType.Float32);
        var relative = (abs / abs.sum(0L)) + (abs / abs.sum(1L).reshape(-1, 1)); // column sums (C) broadcast over rows; row sums (R, 1)
        using var scaler = statistics.ScalerRow();
        return (relative * scaler.sqrt().reshape(1, -1).pow(exponent)).MoveToOuterDisposeScope();
    }

    private static Tensor MaskFor(Tensor score, PruneSpec spec)
    {
        var p = spec.Pattern;
        if (p.IsNofM)
        {
            return SparsityMask.NofM(score, p.N, p.M);
        }

        return spec.Method switch
        {
            PruningMethod.Magnitude or PruningMethod.Ria => SparsityMask.MatrixThreshold(score, p.Ratio),
            PruningMethod.WandaVariant => SparsityMask.WandaVariant(score, p.Ratio),
            _ => SparsityMask.PerRow(score, p.Ratio),
        };
    }

    /// <summary>Zeroes the pruned weights (SparseGPT: installs its reconstructed weights, zero where pruned).</summary>
    public static void Apply(DecoderLayer layer, LayerMasks masks)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(masks);
        using var noGrad = no_grad();
        foreach (var (name, linear) in LayerObserver.Linears(layer))
        {
            var weight = linear.weight!;
            if (masks.Weights.TryGetValue(name, out var replacement))
            {
                weight.copy_(replacement);
            }

            weight.masked_fill_(masks.Masks[name], 0.0);
        }
    }

    /// <summary>Runs the (pruned) layer over the inputs and replaces them with its outputs, batch by batch.</summary>
    public static void Forward(DecoderLayer layer, ActivationSet set)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(set);
        using var noGrad = no_grad();
        foreach (var batch in set.Batches)
        {
            using var scope = NewDisposeScope();
            batch.Replace(layer.call(batch.Hidden, batch.Context).MoveToOuterDisposeScope());
        }
    }

    /// <summary>Exact zeros and element counts over a layer's Linear weights, in total and per Linear (the reference's check_sparsity).</summary>
    public static (long Zeros, long Total, IReadOnlyDictionary<string, double> Linears) CountZeros(DecoderLayer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        long zeros = 0, total = 0;
        var per = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, linear) in LayerObserver.Linears(layer))
        {
            using var scope = NewDisposeScope();
            var w = linear.weight!;
            long z = w.eq(0).sum().item<long>(); // host: the layer report's zero counts
            per[name] = (double)z / w.numel();
            zeros += z;
            total += w.numel();
        }

        return (zeros, total, per);
    }
}
