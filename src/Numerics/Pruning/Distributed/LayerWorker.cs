using System.Diagnostics;
using Shear.Numerics.Checkpoints;
using Shear.Numerics.Models;
using static TorchSharp.torch;

namespace Shear.Numerics.Pruning.Distributed;

/// <summary>
/// One decoder layer pruned on its own, as a layer grain does it: it loads only its weights, receives its input
/// batches (hidden states and padding masks, in any order), observes them in batch order, prunes, writes its part of
/// the pruned checkpoint and its masks, and produces the outputs that the next layer receives. Same arithmetic as
/// <see cref="SequentialPruner"/>, so the results match it bit for bit.
/// </summary>
public sealed class LayerWorker : IDisposable
{
    private readonly ModelConfig _config;
    private readonly DecoderLayer _layer;
    private readonly RotaryEmbedding _rotary;
    private readonly ModelOptions _options;
    private readonly PruneSpec _spec;
    private readonly SortedDictionary<int, ActivationBatch> _inputs = [];

    private LayerWorker(ModelConfig config, DecoderLayer layer, ModelOptions options, PruneSpec spec)
    {
        (_config, _layer, _options, _spec) = (config, layer, options, spec);
        _rotary = new RotaryEmbedding(config);
    }

    /// <summary>The layer index.</summary>
    public int Index => _layer.Index;

    /// <summary>Input batches received so far.</summary>
    public int Received => _inputs.Count;

    /// <summary>Real (unpadded) calibration tokens received so far.</summary>
    public long Tokens => _inputs.Values.Sum(b => b.Tokens);

    /// <summary>Loads layer <paramref name="index"/> of the checkpoint in <paramref name="model"/> (only its tensors are read).</summary>
    public static LayerWorker Load(string model, int index, PruneSpec spec, ModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var config = ModelConfigLoader.Load(model);
        using var reader = CheckpointReader.Open(model);
        var layer = CausalLM.LoadLayer(config, reader, index, options);
        foreach (var (name, linear) in LayerObserver.Linears(layer))
        {
            spec.Pattern.Validate(linear.weight!.shape[1], $"{layer.Prefix}{name}");
        }

        return new LayerWorker(config, layer, options, spec);
    }

    /// <summary>Takes input batch <paramref name="batch"/>: hidden (B, T, hidden) and keep (B, T); copies them.</summary>
    public void Receive(int batch, Tensor hidden, Tensor keep)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(keep);
        using var scope = NewDisposeScope();
        var h = hidden.to(_options.Device).to_type(_options.DType).clone();
        var k = keep.to(_options.Device).to_type(ScalarType.Int64).clone();
        var context = CausalLM.BuildContext(_config, _rotary, _options.Device, h.shape[0], h.shape[1], 0, k, null, h.dtype, null);
        if (_inputs.Remove(batch, out var old))
        {
            old.Dispose(); // a resent batch (after a retry) replaces the first copy
        }

        _inputs[batch] = new ActivationBatch(h, k, context);
    }

    /// <summary>Observes every received batch, computes and applies the masks; <paramref name="onMasks"/> gets them before they are disposed.</summary>
    public LayerReport Prune(Action<LayerMasks>? onMasks = null)
    {
        var clock = Stopwatch.StartNew();
        var set = ActivationSet.Of(_inputs.Values); // not disposed: the worker owns the batches
        using (var observer = LayerPruner.Observe(_layer, set, _spec.Method))
        {
            using var masks = LayerPruner.ComputeMasks(_layer, observer, _spec);
            LayerPruner.Apply(_layer, masks);
            onMasks?.Invoke(masks);
        }

        var (zeros, total, linears) = LayerPruner.CountZeros(_layer);
        return new LayerReport(Index, (double)zeros / total, linears, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Runs the pruned layer over its inputs; yields each batch's output (B, T, hidden) with its keep mask, in batch order.</summary>
    public IEnumerable<(int Batch, Tensor Hidden, Tensor Keep)> Forward()
    {
        LayerPruner.Forward(_layer, ActivationSet.Of(_inputs.Values));
        foreach (var (index, batch) in _inputs)
        {
            yield return (index, batch.Hidden, batch.Keep);
        }
    }

    /// <summary>This layer's tensors with their checkpoint names, in the compute dtype, in parameter order.</summary>
    public IReadOnlyList<KeyValuePair<string, Tensor>> Part() =>
        _layer.named_parameters().Select(p => new KeyValuePair<string, Tensor>(_layer.Prefix + p.name, p.parameter)).ToList();

    /// <summary>Frees the received inputs (after the outputs have been passed on).</summary>
    public void ReleaseInputs()
    {
        foreach (var b in _inputs.Values)
        {
            b.Dispose();
        }

        _inputs.Clear();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ReleaseInputs();
        _rotary.Dispose();
        _layer.Dispose();
    }
}
