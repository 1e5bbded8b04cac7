using Shear.Numerics.Checkpoints;
using Shear.Numerics.Experiment;
using Shear.Numerics.Models;

namespace Shear.Numerics.Pruning.Loop;

/// <summary>
/// The compute of one shard (in this process or inside a shard grain's device worker): its batches' hidden states at
/// the current layer boundary. Observing loads the dense layer from the base checkpoint and keeps it for the shard's
/// part of the mask step; when that is done (or the shard forwards without one) the next dense layer is read in the
/// background, while the job applies and writes the current one and the shard forwards through it; forwarding loads
/// the pruned layer from the checkpoint the loop is writing. A shard holds at most two layers: the one it computes with
/// and the next one being read.
/// </summary>
public sealed class LayerShard : IDisposable
{
    private readonly ShardSetup _setup;
    private readonly ModelConfig _config;
    private readonly RotaryEmbedding _rotary;
    private readonly ActivationSet _set;
    private int _next;
    private (int Layer, DecoderLayer Module)? _dense; // the dense layer observed last, kept for its mask step
    private (int Layer, Task<DecoderLayer> Load)? _prefetch; // the next dense layer, being read

    private LayerShard(ShardSetup setup, ModelConfig config, RotaryEmbedding rotary, ActivationSet set)
    {
        (_setup, _config, _rotary, _set) = (setup, config, rotary, set);
        _next = setup.FirstLayer;
    }

    /// <summary>Real calibration tokens this shard holds.</summary>
    public long Tokens => _set.Tokens;

    /// <summary>Batches this shard holds.</summary>
    public int BatchCount => _set.Batches.Count;

    /// <summary>Its batches' hidden states at the current layer boundary (owned by the shard).</summary>
    public IEnumerable<TorchSharp.torch.Tensor> HiddenStates => _set.Batches.Select(b => b.Hidden);

    /// <summary>Embeds this shard's batches (the embedding matrix only) and replays the pruned layers before <see cref="ShardSetup.FirstLayer"/>.</summary>
    public static LayerShard Start(ShardSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ActivationSet.CheckSamples(setup.Samples);
        var config = ModelConfigLoader.Load(setup.Model);
        var rotary = new RotaryEmbedding(config);
        ActivationSet? set = null;
        try
        {
            var plan = setup.Plan();
            using (var reader = CheckpointReader.Open(setup.Model))
            using (var embedding = reader.Read("model.embed_tokens.weight").to(setup.Options.Device).to_type(setup.Options.DType))
            {
                set = ActivationSet.Embed(config, rotary, embedding, setup.Samples, plan, setup.Batches(plan.Count), setup.Options.Device);
            }

            var shard = new LayerShard(setup, config, rotary, set);
            for (int k = 0; k < setup.FirstLayer; k++)
            {
                shard.RunPruned(k);
            }

            return shard;
        }
        catch
        {
            set?.Dispose();
            rotary.Dispose();
            throw;
        }
    }

    /// <summary>Observes layer <paramref name="layer"/> (dense, from the base) over this shard's batches.</summary>
    public LayerStatistics Observe(int layer)
    {
        Expect(layer);
        return LayerPruner.Observe(Dense(layer), _set, _setup.Spec);
    }

    /// <summary>
    /// This shard's part of layer <paramref name="layer"/>'s mask step: the dense layer from the base (as the job would
    /// load it), the masks of <paramref name="linears"/> from the reduced <paramref name="statistics"/> at
    /// <paramref name="pattern"/> (the layer's: OWL gives each layer its own sparsity).
    /// </summary>
    public LayerMasks Masks(int layer, LayerStatistics statistics, IReadOnlyList<string> linears, SparsityPattern pattern)
    {
        Expect(layer);
        try
        {
            return LayerPruner.ComputeMasks(Dense(layer), statistics, _setup.Spec with { Pattern = pattern }, linears);
        }
        finally
        {
            DropDense(); // the mask step may have changed its weights (SparseGPT's solve): never reused
            Prefetch(layer + 1);
        }
    }

    /// <summary>Runs this shard's batches through the pruned layer <paramref name="layer"/>; the shard then stands before the next layer.</summary>
    public void Forward(int layer)
    {
        Expect(layer);
        DropDense();
        Prefetch(layer + 1);
        RunPruned(layer);
    }

    // The dense layer of the base: the one kept since it was observed, else the one read ahead, else read now.
    private DecoderLayer Dense(int layer)
    {
        if (_dense is { } kept && kept.Layer == layer)
        {
            return kept.Module;
        }

        DropDense();
        DecoderLayer module;
        if (_prefetch is { } ahead && ahead.Layer == layer)
        {
            _prefetch = null;
            module = ahead.Load.GetAwaiter().GetResult();
        }
        else
        {
            DropPrefetch();
            module = LoadDense(layer);
        }

        _dense = (layer, module);
        return module;
    }

    private DecoderLayer LoadDense(int layer)
    {
        using var reader = CheckpointReader.Open(_setup.Model);
        return CausalLM.LoadLayer(_config, reader, layer, _setup.Options);
    }

    private void Prefetch(int layer)
    {
        if (_prefetch is null && layer < _config.NumHiddenLayers)
        {
            _prefetch = (layer, Task.Run(() => LoadDense(layer)));
        }
    }

    private void DropDense()
    {
        if (_dense is { } kept)
        {
            _dense = null;
            kept.Module.Dispose();
            Runtime.NativeHeap.Trim();
        }
    }

    private void DropPrefetch()
    {
        if (_prefetch is { } ahead)
        {
            _prefetch = null;
            try
            {
                ahead.Load.GetAwaiter().GetResult().Dispose();
            }
            catch (Exception e) when (e is IOException or CheckpointFormatException)
            {
                // a read ahead that failed is not needed: the layer is read again (and the error shown) when it is
            }
        }
    }

    private void RunPruned(int layer)
    {
        using (var staged = CheckpointReader.Open(_setup.Staging))
        using (var pruned = CausalLM.LoadLayer(_config, staged, layer, _setup.Options))
        {
            LayerPruner.Forward(pruned, _set);
        }

        Runtime.NativeHeap.Trim();
        _next = layer + 1;
    }

    private void Expect(int layer)
    {
        if (layer != _next)
        {
            throw new InvalidOperationException($"shard {_setup.Shard} stands before layer {_next}, asked for layer {layer}");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        DropDense();
        DropPrefetch();
        _set.Dispose();
        _rotary.Dispose();
    }
}
