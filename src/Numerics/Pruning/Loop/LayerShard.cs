using Shear.Numerics.Checkpoints;
using Shear.Numerics.Experiment;
using Shear.Numerics.Models;

namespace Shear.Numerics.Pruning.Loop;

/// <summary>
/// The compute of one shard (in this process or inside a shard grain's device worker): its batches' hidden states at
/// the current layer boundary. Observing loads the dense layer from the base checkpoint and keeps it for the shard's
/// part of the mask step; when that is done (or the shard forwards without one) the next dense layer's bytes are read
/// ahead in the background (file reads only, into the page cache: every tensor operation stays on the shard's compute
/// queue, so thread use, and with it the bits, do not depend on timing), while the job applies and writes the current
/// layer and the shard forwards through it; forwarding loads the pruned layer from the checkpoint the loop is writing.
/// A shard holds one layer at a time.
/// </summary>
public sealed class LayerShard : IDisposable
{
    private readonly ShardSetup _setup;
    private readonly ModelConfig _config;
    private readonly RotaryEmbedding _rotary;
    private readonly ActivationSet _set;
    private int _next;
    private (int Layer, DecoderLayer Module)? _dense; // the dense layer observed last, kept for its mask step
    private Task? _readAhead; // the next dense layer's bytes, being read into the page cache

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
        using var source = ModelSource.Open(setup.Model);
        var config = source.Config;
        var rotary = new RotaryEmbedding(config);
        ActivationSet? set = null;
        try
        {
            var plan = setup.Plan();
            using (var stored = source.ReadEmbedding())
            using (var embedding = stored.to(setup.Options.Device).to_type(setup.Options.DType))
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
            ReadAhead(layer + 1);
        }
    }

    /// <summary>Runs this shard's batches through the pruned layer <paramref name="layer"/>; the shard then stands before the next layer.</summary>
    public void Forward(int layer)
    {
        Expect(layer);
        DropDense();
        ReadAhead(layer + 1);
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
        WaitReadAhead();
        var module = LoadDense(layer);
        _dense = (layer, module);
        return module;
    }

    private DecoderLayer LoadDense(int layer)
    {
        using var reader = CheckpointReader.Open(_setup.Model); // the config is the shard's own, read once at its start
        return CausalLM.LoadLayer(_config, reader, layer, _setup.Options);
    }

    private void ReadAhead(int layer)
    {
        if (_readAhead is null && layer < _config.NumHiddenLayers)
        {
            var model = _setup.Model;
            var prefix = _config.LayerPrefix(layer);
            _readAhead = Task.Run(() =>
            {
                using var reader = CheckpointReader.Open(model);
                var buffer = new byte[1 << 20];
                foreach (var name in reader.Names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
                {
                    try
                    {
                        reader.CopyBytes(name, (_, _) => { }, buffer);
                    }
                    catch (InvalidOperationException)
                    {
                        // a masks-only base's tensor has no bytes of its own: it is read when it is loaded
                    }
                }
            });
        }
    }

    // The read ahead is only a cache warm-up: waited for (so no reader outlives the shard), its errors left to the real read.
    private void WaitReadAhead()
    {
        if (_readAhead is { } ahead)
        {
            _readAhead = null;
            try
            {
                ahead.GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is IOException or CheckpointFormatException or UnauthorizedAccessException)
            {
                // the load that follows reads the same bytes and reports what is wrong
            }
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
        WaitReadAhead();
        _set.Dispose();
        _rotary.Dispose();
    }
}
