using Shear.Numerics.Checkpoints;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Shear.Numerics.Models;

/// <summary>
/// A decoder-only causal language model (HF <c>*ForCausalLM</c>) for llama, mistral, qwen2 and gemma.
/// Parameter names equal HF's, so state dicts load by name.
/// </summary>
public sealed class CausalLM : nn.Module
{
    [ComponentName(Name = "model")]
    private readonly DecoderModel _model;

    [ComponentName(Name = "lm_head")]
    private readonly Linear? _lmHead;

    private readonly RotaryEmbedding _rotary;

    /// <summary>Creates a model with freshly initialised weights.</summary>
    public CausalLM(ModelConfig config, ModelOptions? options = null)
        : base("CausalLM")
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        Options = options ?? ModelOptions.Default;
        _model = new DecoderModel(config, Options);
        _lmHead = config.TieWordEmbeddings ? null : nn.Linear(config.HiddenSize, config.VocabSize, false, Options.Device, Options.DType);
        _rotary = new RotaryEmbedding(config);
        RegisterComponents();
    }

    /// <summary>The configuration.</summary>
    public ModelConfig Config { get; }

    /// <summary>Runtime options.</summary>
    public ModelOptions Options { get; }

    /// <summary>The body (embedding, layers, final norm).</summary>
    public DecoderModel Body => _model;

    /// <summary>The decoder layers.</summary>
    public IReadOnlyList<DecoderLayer> Layers => _model.Layers;

    /// <summary>Loads config and weights from an HF checkpoint folder (weights frozen for inference).</summary>
    public static CausalLM Load(string directory, ModelOptions? options = null)
    {
        using var source = ModelSource.Open(directory);
        var config = source.Config;
        var model = new CausalLM(config, options);
        try
        {
            StateDictLoader.Load(model, source.Reader, config.TensorPrefix, name => IsIgnorable(name, config));
            model.Freeze();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Builds and loads only decoder layer <paramref name="index"/> from a checkpoint.</summary>
    public static DecoderLayer LoadLayer(ModelConfig config, CheckpointReader reader, int index, ModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, config.NumHiddenLayers);
        var layer = new DecoderLayer(config, index, options ?? ModelOptions.Default);
        try
        {
            StateDictLoader.Load(layer, reader, config.LayerPrefix(index), name => name.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal));
            foreach (var p in layer.parameters())
            {
                p.requires_grad = false;
            }

            return layer;
        }
        catch
        {
            layer.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Checks the embedding and every decoder layer's weights in <paramref name="reader"/> (names, shapes and
    /// floating-point dtypes; nothing read) against the model <paramref name="config"/> describes, so a bad checkpoint
    /// fails before any work rather than at its layer.
    /// </summary>
    /// <exception cref="CheckpointFormatException">A missing, extra, misshapen or non-float weight (named).</exception>
    public static void CheckLayers(ModelConfig config, CheckpointReader reader)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(reader);
        var embedding = config.EmbeddingTensor;
        if (!reader.Contains(embedding))
        {
            throw new CheckpointFormatException(reader.Directory, $"checkpoint has no tensor '{embedding}'");
        }

        long[] shape = [config.VocabSize, config.HiddenSize];
        if (!reader.Entry(embedding).Shape.SequenceEqual(shape))
        {
            throw new CheckpointFormatException(reader.Directory,
                $"tensor '{embedding}' has shape [{string.Join(",", reader.Entry(embedding).Shape)}] but config.json (vocab_size, hidden_size) says [{string.Join(",", shape)}]");
        }

        // One skeleton per kind of layer (a mixture's MoE and dense layers differ), on the meta device: no memory.
        var skeletons = new Dictionary<bool, DecoderLayer>();
        try
        {
            for (int i = 0; i < config.NumHiddenLayers; i++)
            {
                bool moe = config.IsMoeLayer(i);
                if (moe)
                {
                    CheckExperts(config, reader, i);
                }

                if (!skeletons.TryGetValue(moe, out var skeleton))
                {
                    skeletons[moe] = skeleton = new DecoderLayer(config, i, ModelOptions.Default with { DeviceName = "meta" });
                }

                CheckLayer(skeleton, reader, config.LayerPrefix(i));
            }
        }
        finally
        {
            foreach (var skeleton in skeletons.Values)
            {
                skeleton.Dispose();
            }
        }

        var extra = reader.Names.FirstOrDefault(n => n.StartsWith(config.LayersPrefix, StringComparison.Ordinal)
            && int.TryParse(n[config.LayersPrefix.Length..].Split('.')[0], out int k) && k >= config.NumHiddenLayers);
        if (extra is not null)
        {
            throw new CheckpointFormatException(reader.Directory, $"tensor '{extra}' belongs to a layer beyond num_hidden_layers {config.NumHiddenLayers}");
        }
    }

    // A MoE layer's experts in the checkpoint against the config's expert count (said in the config's own field).
    private static void CheckExperts(ModelConfig config, CheckpointReader reader, int layer)
    {
        var block = $"{config.LayerPrefix(layer)}{config.MoeBlockName}.experts.";
        var indices = reader.Names.Where(n => n.StartsWith(block, StringComparison.Ordinal))
            .Select(n => int.TryParse(n.AsSpan(block.Length, Math.Max(0, n.IndexOf('.', block.Length) - block.Length)), out int e) ? e : -1).Distinct().ToList();
        int found = indices.Count(e => e >= 0);
        if (found != config.ExpertCount || indices.Any(e => e < 0 || e >= config.ExpertCount))
        {
            throw new CheckpointFormatException(reader.Directory,
                $"config.json {config.ExpertCountField} is {config.ExpertCount} but layer {layer} has {found} experts in the checkpoint ({block}0 to {(indices.Count > 0 ? indices.Max() : -1)})");
        }
    }

    // One layer's weights (under prefix) against a skeleton of its kind: names, shapes, floating-point dtypes.
    private static void CheckLayer(DecoderLayer skeleton, CheckpointReader reader, string prefix)
    {
        foreach (var (name, _) in StateDictLoader.Check(skeleton, reader, prefix, name => name.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal)))
        {
            if (reader.Entry(name).DType is not (ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16 or ScalarType.Float64))
            {
                throw new CheckpointFormatException(reader.Directory, $"tensor '{name}' has dtype {reader.Entry(name).DType}, not a floating-point weight");
            }
        }
    }

    private static bool IsIgnorable(string name, ModelConfig config) =>
        name.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal) || (config.TieWordEmbeddings && name == $"{config.TensorPrefix}lm_head.weight");

    /// <summary>Stops gradient tracking on every parameter (inference).</summary>
    public void Freeze()
    {
        foreach (var p in parameters())
        {
            p.requires_grad = false;
        }
    }

    /// <summary>The HF state dict (names and live parameter tensors), in registration order.</summary>
    public IReadOnlyList<KeyValuePair<string, Tensor>> StateDict() =>
        named_parameters().Select(p => new KeyValuePair<string, Tensor>(p.name, p.parameter)).ToList();

    /// <summary>
    /// Logits (B, T, V) for <paramref name="inputIds"/> (B, T). <paramref name="attentionMask"/> is (B, past + T), 1 for
    /// real tokens; <paramref name="positionIds"/> (B, T) default to the count of real tokens before each one.
    /// With <paramref name="cache"/>, new keys/values are appended to it. <paramref name="lastOnly"/> returns (B, 1, V).
    /// </summary>
    public Tensor Forward(Tensor inputIds, Tensor? attentionMask = null, Tensor? positionIds = null, KvCache? cache = null, bool lastOnly = false)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        using var scope = NewDisposeScope();
        var hidden = Hidden(inputIds, attentionMask, positionIds, cache);
        if (lastOnly)
        {
            hidden = hidden.narrow(1, hidden.shape[1] - 1, 1);
        }

        return LmHead(hidden).MoveToOuterDisposeScope();
    }

    /// <summary>Final-norm hidden states (B, T, hidden): everything but the LM head.</summary>
    public Tensor Hidden(Tensor inputIds, Tensor? attentionMask = null, Tensor? positionIds = null, KvCache? cache = null)
    {
        using var scope = NewDisposeScope();
        long b = inputIds.shape[0], t = inputIds.shape[1];
        long past = cache?.Length ?? 0;
        var h = _model.Embed(inputIds.to(Options.Device));
        var ctx = Context(b, t, past, attentionMask, positionIds, h.dtype, cache);
        foreach (var layer in _model.Layers)
        {
            h = layer.call(h, ctx);
        }

        return _model.FinalNorm(h).MoveToOuterDisposeScope();
    }

    /// <summary>Builds the rotary tables and attention mask that every layer of one forward shares.</summary>
    public DecoderContext Context(long batch, long length, long past, Tensor? attentionMask, Tensor? positionIds, ScalarType dtype, KvCache? cache) =>
        BuildContext(Config, _rotary, Options.Device, batch, length, past, attentionMask, positionIds, dtype, cache);

    /// <summary>The same context without a whole model (a layer worker holds only its rotary tables).</summary>
    public static DecoderContext BuildContext(ModelConfig config, RotaryEmbedding rotary, Device device, long batch, long length, long past,
        Tensor? attentionMask, Tensor? positionIds, ScalarType dtype, KvCache? cache)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(rotary);
        var keep = attentionMask?.to(device);
        var positions = positionIds?.to(device) ?? PositionIds.From(keep, batch, length, past, device);
        var (cos, sin) = rotary.Compute(positions, dtype);
        var windows = Enumerable.Range(0, config.NumHiddenLayers).Select(config.WindowOf).ToList(); // null or the one sliding_window
        var mask = windows.Contains(null) ? AttentionMask.Build(keep, batch, length, past, dtype, device, null) : null;
        var local = windows.FirstOrDefault(w => w is not null) is { } window ? AttentionMask.Build(keep, batch, length, past, dtype, device, window) : null;
        var (localCos, localSin) = rotary.ComputeLocal(positions, dtype);
        return new DecoderContext(cos, sin, mask, cache) { LocalMask = local, LocalCos = localCos, LocalSin = localSin };
    }

    /// <summary>Projects hidden states to vocabulary logits (tied to the embedding where configured).</summary>
    public Tensor LmHead(Tensor hidden)
    {
        var logits = _lmHead is null ? nn.functional.linear(hidden, _model.EmbeddingWeight) : _lmHead.call(hidden);
        if (Config.FinalLogitSoftcapping is not { } cap)
        {
            return logits;
        }

        using var scope = NewDisposeScope();
        var capped = (logits / cap).tanh() * cap; // Gemma 2: cap x tanh(logit / cap)
        logits.Dispose();
        return capped.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _rotary.Dispose();
        }

        base.Dispose(disposing);
    }
}
