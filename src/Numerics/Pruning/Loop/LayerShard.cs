using Shear.Numerics.Checkpoints;
using Shear.Numerics.Experiment;
using Shear.Numerics.Models;

namespace Shear.Numerics.Pruning.Loop;

/// <summary>
/// The compute of one shard (in this process or inside a shard grain's device worker): its batches' hidden states at
/// the current layer boundary, one layer's weights at a time. Observing loads the dense layer from the base
/// checkpoint; forwarding loads the pruned layer from the checkpoint the loop is writing. Both are disposed at once,
/// so a shard never holds more than one layer.
/// </summary>
public sealed class LayerShard : IDisposable
{
    private readonly ShardSetup _setup;
    private readonly ModelConfig _config;
    private readonly RotaryEmbedding _rotary;
    private readonly ActivationSet _set;
    private int _next;

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
        try
        {
            using var reader = CheckpointReader.Open(_setup.Model);
            using var dense = CausalLM.LoadLayer(_config, reader, layer, _setup.Options);
            return LayerPruner.Observe(dense, _set, _setup.Spec);
        }
        finally
        {
            Runtime.NativeHeap.Trim(); // the dense layer's memory goes back before the mask step loads its own copy
        }
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
            using var reader = CheckpointReader.Open(_setup.Model);
            using var dense = CausalLM.LoadLayer(_config, reader, layer, _setup.Options);
            return LayerPruner.ComputeMasks(dense, statistics, _setup.Spec with { Pattern = pattern }, linears);
        }
        finally
        {
            Runtime.NativeHeap.Trim();
        }
    }

    /// <summary>Runs this shard's batches through the pruned layer <paramref name="layer"/>; the shard then stands before the next layer.</summary>
    public void Forward(int layer)
    {
        Expect(layer);
        RunPruned(layer);
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
        _set.Dispose();
        _rotary.Dispose();
    }
}
