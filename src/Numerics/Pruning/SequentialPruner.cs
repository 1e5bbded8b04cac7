using System.Diagnostics;
using Shear.Numerics.Models;

namespace Shear.Numerics.Pruning;

/// <summary>
/// Wanda's sequential loop in one process (ANCHORS §1.6), batched: embed all calibration samples, then for each
/// layer observe (one pass with hooks), compute masks for all its Linears, apply them, and re-run the pruned layer
/// so layer i+1 calibrates on what the pruned layers 0..i produce. Holds one layer's activations at a time.
/// </summary>
public static class SequentialPruner
{
    /// <summary>Progress of one layer.</summary>
    /// <param name="Layer">Layer index.</param>
    /// <param name="Layers">Layer count.</param>
    /// <param name="Stage">What it is doing.</param>
    public readonly record struct Progress(int Layer, int Layers, string Stage);

    /// <summary>
    /// Prunes <paramref name="model"/> in place. <paramref name="onMasks"/> receives each layer's masks before they are
    /// disposed (to write them out). Returns per-layer reports in layer order.
    /// </summary>
    public static IReadOnlyList<LayerReport> Run(CausalLM model, IReadOnlyList<int[]> samples, PruneSpec spec,
        Action<LayerMasks>? onMasks = null, IProgress<Progress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(spec);
        ValidateWidths(model, spec.Pattern);
        bool calibrate = PruningMethods.Needs(spec.Method) != StatisticsKind.None;
        using var set = calibrate ? ActivationSet.Embed(model, samples, spec.TokenBudget) : null;
        var reports = new List<LayerReport>();
        int n = model.Layers.Count;
        foreach (var layer in model.Layers)
        {
            var clock = Stopwatch.StartNew();
            progress?.Report(new Progress(layer.Index, n, "observe"));
            using (var observer = LayerPruner.Observe(layer, set!, spec.Method))
            {
                progress?.Report(new Progress(layer.Index, n, "masks"));
                using var masks = LayerPruner.ComputeMasks(layer, observer, spec);
                LayerPruner.Apply(layer, masks);
                onMasks?.Invoke(masks);
            }

            // The last layer's outputs feed nothing: skip that forward.
            if (set is not null && layer.Index < n - 1)
            {
                progress?.Report(new Progress(layer.Index, n, "forward"));
                LayerPruner.Forward(layer, set);
            }

            var (zeros, total, linears) = LayerPruner.CountZeros(layer);
            reports.Add(new LayerReport(layer.Index, (double)zeros / total, linears, clock.Elapsed.TotalSeconds));
            progress?.Report(new Progress(layer.Index, n, "done"));
        }

        return reports;
    }

    private static void ValidateWidths(CausalLM model, SparsityPattern pattern)
    {
        foreach (var layer in model.Layers)
        {
            foreach (var (name, linear) in LayerObserver.Linears(layer))
            {
                pattern.Validate(linear.weight!.shape[1], $"{layer.Prefix}{name}");
            }
        }
    }
}
