using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Shear.Numerics.Models;

/// <summary>One pre-norm transformer block. Buildable and loadable on its own (a grain owns one).</summary>
public sealed class DecoderLayer : nn.Module<Tensor, DecoderContext, Tensor>
{
    [ComponentName(Name = "input_layernorm")]
    private readonly RmsNorm _inputNorm;

    [ComponentName(Name = "self_attn")]
    private readonly Attention _attention;

    [ComponentName(Name = "post_attention_layernorm")]
    private readonly RmsNorm _postAttentionNorm;

    [ComponentName(Name = "mlp")]
    private readonly nn.Module<Tensor, Tensor>? _mlp; // a dense Mlp, or Qwen3-MoE's SparseMoe

    [ComponentName(Name = "block_sparse_moe")]
    private readonly SparseMoe? _blockSparseMoe;      // Mixtral

    [ComponentName(Name = "pre_feedforward_layernorm")]
    private readonly RmsNorm? _preFeedforwardNorm;

    [ComponentName(Name = "post_feedforward_layernorm")]
    private readonly RmsNorm? _postFeedforwardNorm;

    /// <summary>Creates layer <paramref name="index"/> with freshly initialised weights.</summary>
    public DecoderLayer(ModelConfig config, int index, ModelOptions options)
        : base($"layers.{index}")
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        Index = index;
        Prefix = config.LayerPrefix(index);
        _inputNorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, config.IsGemma, options);
        _attention = new Attention(config, index, options);
        _postAttentionNorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, config.IsGemma, options);
        if (!config.IsMoeLayer(index))
        {
            _mlp = new Mlp(config, options);
        }
        else if (config.MoeBlockName == "block_sparse_moe")
        {
            _blockSparseMoe = new SparseMoe(config, options);
        }
        else
        {
            _mlp = new SparseMoe(config, options);
        }
        if (config.SandwichNorms)
        {
            _preFeedforwardNorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, config.IsGemma, options);
            _postFeedforwardNorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, config.IsGemma, options);
        }

        RegisterComponents();
    }

    /// <summary>The layer's index in the model.</summary>
    public int Index { get; }

    /// <summary>The layer's mixture of experts, or null for a dense MLP.</summary>
    public SparseMoe? Moe => _blockSparseMoe ?? _mlp as SparseMoe;

    /// <summary>The checkpoint's prefix of this layer's tensors (<see cref="ModelConfig.LayerPrefix"/>).</summary>
    public string Prefix { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor x, DecoderContext ctx)
    {
        using var scope = NewDisposeScope();
        var mlp = _mlp ?? _blockSparseMoe!;
        if (_preFeedforwardNorm is not null && _postFeedforwardNorm is not null)
        {
            // Gemma 2/3: post_attention_layernorm normalises the attention output; the MLP has its own pre and post norms.
            var a = x + _postAttentionNorm.call(_attention.call(_inputNorm.call(x), ctx));
            return (a + _postFeedforwardNorm.call(mlp.call(_preFeedforwardNorm.call(a)))).MoveToOuterDisposeScope();
        }

        var h = x + _attention.call(_inputNorm.call(x), ctx);
        var y = h + mlp.call(_postAttentionNorm.call(h));
        return y.MoveToOuterDisposeScope();
    }
}
