using System.Diagnostics;
using Shear.Numerics.Experiment;
using Shear.Numerics.Models;
using Shear.Numerics.Runtime;
using static TorchSharp.torch;

namespace Shear.Numerics.Pruning.Loop;

/// <summary>
/// The layer loop, the one place that orders Wanda's sequential steps (ANCHORS §1.6) for every path (<c>shear prune</c>,
/// the cluster's job grain, the tests). Per layer: every shard observes its own batches on the dense layer, the job
/// reduces their statistics in batch order (so the result does not depend on the shard count), computes the masks
/// once, applies them and writes the pruned layer and its masks to the output; then every shard runs its batches
/// through the pruned layer, so layer k+1 calibrates on what the pruned layers 0..k produce. One layer's weights at
/// a time are loaded, from the checkpoint; the last layer's outputs feed nothing, so that forward is skipped.
/// </summary>
public static class LayerLoop
{
    /// <summary>Progress of one layer.</summary>
    /// <param name="Layer">Layer index.</param>
    /// <param name="Layers">Layer count.</param>
    /// <param name="Stage">observe, masks, forward or done.</param>
    public readonly record struct Progress(int Layer, int Layers, string Stage);

    /// <summary>
    /// Runs layers <paramref name="firstLayer"/>.. of the base <paramref name="model"/> through <paramref name="shards"/>
    /// (none when the method needs no calibration), writing into <paramref name="output"/>. The mask step runs on
    /// <paramref name="compute"/>; <paramref name="finished"/> hears of each finished layer (a job records it there).
    /// Returns the reports of the layers run, in order.
    /// </summary>
    public static async Task<IReadOnlyList<LayerReport>> RunAsync(string model, PruneSpec spec, ModelOptions options, PrunedModelWriter output,
        IReadOnlyList<ILayerShard> shards, IComputeQueue compute, int firstLayer = 0, Func<LayerReport, Task>? finished = null,
        IProgress<Progress>? progress = null, CancellationToken cancellationToken = default, bool masksOnShards = true)
    {
        ArgumentNullException.ThrowIfNull(output);
        int n = output.Source.Config.NumHiddenLayers;
        var reports = new List<LayerReport>();
        for (int k = firstLayer; k < n; k++)
        {
            var report = await StepAsync(model, spec, options, output, shards, compute, k, progress, cancellationToken, masksOnShards);
            reports.Add(report);
            if (finished is not null)
            {
                await finished(report);
            }
        }

        return reports;
    }

    /// <summary>
    /// One layer of the loop: every shard observes layer <paramref name="layer"/>, the statistics are reduced, the masks
    /// computed (split by Linear over the shards when there are several, <see cref="MaskSplit"/>, unless
    /// <paramref name="masksOnShards"/> is false: then on <paramref name="compute"/>), applied and written with the pruned
    /// layer, and (unless it is the last layer) every shard forwards its batches through it. A job that advances one
    /// layer per round calls this directly. The masks are the same bits wherever they are computed.
    /// </summary>
    public static async Task<LayerReport> StepAsync(string model, PruneSpec spec, ModelOptions options, PrunedModelWriter output,
        IReadOnlyList<ILayerShard> shards, IComputeQueue compute, int layer, IProgress<Progress>? progress = null, CancellationToken cancellationToken = default,
        bool masksOnShards = true)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentNullException.ThrowIfNull(compute);
        bool calibrate = MethodStatistics.Needs(spec.Method) != StatisticsKind.None;
        if (calibrate && shards.Count == 0)
        {
            throw new ArgumentException($"method {PruningMethods.Name(spec.Method)} needs at least one shard of calibration batches", nameof(shards));
        }

        var config = output.Source.Config;
        int n = config.NumHiddenLayers;
        var clock = Stopwatch.StartNew();
        progress?.Report(new Progress(layer, n, "observe"));
        var parts = calibrate ? await Task.WhenAll(shards.Select(s => s.ObserveAsync(layer, cancellationToken))) : [];
        progress?.Report(new Progress(layer, n, "masks"));
        LayerReport report;
        double serialSeconds, maskSeconds;
        if (calibrate && shards.Count > 1 && masksOnShards)
        {
            // The job reduces, the shards compute the masks of their Linears where their data is, the job writes.
            var step = Stopwatch.StartNew();
            var reduced = await compute.Run(() => Reduce(parts), cancellationToken);
            serialSeconds = step.Elapsed.TotalSeconds;
            try
            {
                var prefix = config.LayerPrefix(layer);
                var linears = reduced.Linears.Keys.Select(name => (name, output.Base.Entry($"{prefix}{name}.weight").ElementCount)).ToList();
                var split = MaskSplit.Plan(linears, shards.Count);
                var pattern = spec.PatternFor(layer);
                var pieces = shards.Select((s, i) => split[i].Count == 0
                    ? Task.FromResult(new LayerMasks { Layer = layer }) : s.MasksAsync(layer, reduced, split[i], pattern, cancellationToken)).ToArray();
                // The job loads the dense layer while the shards compute its masks (they overlap where shards run elsewhere).
                var loading = compute.Run(() => output.Source.LoadLayer(layer, options), cancellationToken);
                LayerMasks[] masksOfShards;
                try
                {
                    masksOfShards = await Task.WhenAll(pieces);
                }
                catch
                {
                    (await loading).Dispose();
                    throw;
                }

                var after = Stopwatch.StartNew();
                var dense = await loading;
                report = await compute.Run(() => WriteLayer(dense, LayerMasks.Merge(layer, masksOfShards), output, reduced.Tokens), cancellationToken);
                serialSeconds += after.Elapsed.TotalSeconds;
                maskSeconds = step.Elapsed.TotalSeconds; // the shards' part included
            }
            finally
            {
                reduced.Dispose();
            }
        }
        else
        {
            var step = Stopwatch.StartNew();
            report = await compute.Run(() => PruneLayer(config, layer, parts, spec, options, output), cancellationToken);
            serialSeconds = maskSeconds = step.Elapsed.TotalSeconds;
        }

        if (calibrate && layer < n - 1)
        {
            progress?.Report(new Progress(layer, n, "forward"));
            await Task.WhenAll(shards.Select(s => s.ForwardAsync(layer, cancellationToken)));
        }

        progress?.Report(new Progress(layer, n, "done"));
        return report with { Seconds = clock.Elapsed.TotalSeconds, SerialSeconds = serialSeconds, MaskSeconds = maskSeconds };
    }

    /// <summary>
    /// One layer of OWL's pass over the dense model: every shard observes layer <paramref name="layer"/> of the base
    /// (Wanda's statistics), the layer's outlier ratio is computed once, and (unless it is the last layer) every shard
    /// runs its batches through the dense layer. The shards must have been started to read their forwarded layers
    /// from the base (<see cref="ShardSetup.Staging"/> = the base) with a Wanda spec.
    /// </summary>
    public static async Task<double> OwlStepAsync(string model, OwlOptions owl, ModelOptions options, IReadOnlyList<ILayerShard> denseShards,
        IComputeQueue compute, int layer, IProgress<Progress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owl);
        ArgumentNullException.ThrowIfNull(denseShards);
        ArgumentNullException.ThrowIfNull(compute);
        var config = ModelConfigLoader.Load(model);   // a shard process holds no writer: its own copy of the config
        progress?.Report(new Progress(layer, config.NumHiddenLayers, "owl"));
        var parts = await Task.WhenAll(denseShards.Select(s => s.ObserveAsync(layer, cancellationToken)));
        double ratio = await compute.Run(() =>
        {
            try
            {
                using var reduced = LayerStatistics.Reduce(parts);
                using var source = ModelSource.Open(model);
                using var dense = source.LoadLayer(layer, options);
                return Owl.OutlierRatio(dense, reduced, owl.M);
            }
            finally
            {
                foreach (var p in parts)
                {
                    p.Dispose();
                }

                NativeHeap.Trim();
            }
        }, cancellationToken);
        if (layer < config.NumHiddenLayers - 1)
        {
            await Task.WhenAll(denseShards.Select(s => s.ForwardAsync(layer, cancellationToken)));
        }

        return ratio;
    }

    /// <summary>OWL's whole pass: every layer's outlier ratio, then <paramref name="spec"/> with its layer sparsities.</summary>
    public static async Task<PruneSpec> OwlAsync(string model, PruneSpec spec, ModelOptions options, IReadOnlyList<ILayerShard> denseShards,
        IComputeQueue compute, IProgress<Progress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var owl = spec.Owl ?? throw new ArgumentException("the spec asks for no OWL pass", nameof(spec));
        var ratios = new List<double>();
        for (int k = 0; k < ModelConfigLoader.Load(model).NumHiddenLayers; k++)
        {
            ratios.Add(await OwlStepAsync(model, owl, options, denseShards, compute, k, progress, cancellationToken));
        }

        return WithOwl(spec, ratios);
    }

    /// <summary><paramref name="spec"/> with the layer sparsities of these outlier ratios.</summary>
    public static PruneSpec WithOwl(PruneSpec spec, IReadOnlyList<double> ratios)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var owl = spec.Owl ?? throw new ArgumentException("the spec asks for no OWL pass", nameof(spec));
        return spec with { OutlierRatios = [.. ratios], LayerSparsities = Owl.LayerSparsities(ratios, spec.Pattern.Ratio, owl.Lambda) };
    }

    /// <summary>
    /// The job's step of one layer: reduce the shards' statistics, load the dense layer (from the writer's base reader), compute its masks once, apply
    /// them, round the kept weights through the stored dtype (what every shard will read back), write the layer and
    /// its masks, count its zeros.
    /// </summary>
    private static LayerReport PruneLayer(ModelConfig config, int k, LayerStatistics[] parts, PruneSpec spec, ModelOptions options, PrunedModelWriter output)
    {
        try
        {
            using var reduced = parts.Length > 0 ? LayerStatistics.Reduce(parts) : new LayerStatistics(k, []);
            var layer = output.Source.LoadLayer(k, options);
            LayerMasks masks;
            try
            {
                masks = LayerPruner.ComputeMasks(layer, reduced, spec with { Pattern = spec.PatternFor(k) });
            }
            catch
            {
                layer.Dispose();
                throw;
            }

            return WriteLayer(layer, masks, output, reduced.Tokens); // disposes both
        }
        finally
        {
            foreach (var p in parts)
            {
                p.Dispose();
            }

            NativeHeap.Trim();
        }
    }

    // The shards' statistics reduced in batch order (the parts freed).
    private static LayerStatistics Reduce(LayerStatistics[] parts)
    {
        try
        {
            return LayerStatistics.Reduce(parts);
        }
        finally
        {
            foreach (var p in parts)
            {
                p.Dispose();
            }

            NativeHeap.Trim();
        }
    }

    // The job's step once the masks are computed (by the shards, or by PruneLayer): apply them to the dense layer, round,
    // write, count; the layer and the masks are disposed.
    private static LayerReport WriteLayer(DecoderLayer layer, LayerMasks masks, PrunedModelWriter output, long tokens)
    {
        int k = layer.Index;
        try
        {
            LayerPruner.Apply(layer, masks);
            RoundToStored(layer, output);
            output.WriteLayer(layer, masks);
            var (zeros, total, linears) = LayerPruner.CountZeros(layer);
            return new LayerReport(k, (double)zeros / total, linears, 0) { Zeros = zeros, Total = total, Tokens = tokens, ByMagnitude = masks.ByMagnitude.Count > 0 ? [.. masks.ByMagnitude] : null };
        }
        finally
        {
            masks.Dispose();
            layer.Dispose();
            NativeHeap.Trim();
        }
    }

    // SparseGPT's reconstructed weights are computed in the compute dtype; the output stores the base's. Every shard
    // forwards with what is stored, so the job counts and writes exactly that (a no-op for masks alone: masking
    // never makes a value the stored dtype cannot hold).
    private static void RoundToStored(DecoderLayer layer, PrunedModelWriter output)
    {
        using var noGrad = no_grad();
        foreach (var (name, p) in layer.named_parameters())
        {
            var stored = output.StoredDType(layer.Prefix + name);
            if (stored != p.dtype)
            {
                using var scope = NewDisposeScope();
                p.copy_(p.to_type(stored));
            }
        }
    }
}
