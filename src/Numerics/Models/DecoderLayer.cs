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
    private readonly Mlp _mlp;

    /// <summary>Creates layer <paramref name="index"/> with freshly initialised weights.</summary>
    public DecoderLayer(ModelConfig config, int index, ModelOptions options)
        : base($"layers.{index}")
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        Index = index;
        _inputNorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, config.IsGemma, options);
        _attention = new Attention(config, index, options);
        _postAttentionNorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, config.IsGemma, options);
        _mlp = new Mlp(config, options);
        RegisterComponents();
    }

    /// <summary>The layer's index in the model.</summary>
    public int Index { get; }

    /// <summary>The HF state-dict prefix of this layer's tensors.</summary>
    public string Prefix => StatePrefix(Index);

    /// <summary>The HF state-dict prefix of layer <paramref name="index"/>.</summary>
    public static string StatePrefix(int index) => $"model.layers.{index}.";

    /// <inheritdoc />
    public override Tensor forward(Tensor x, DecoderContext ctx)
    {
        using var scope = NewDisposeScope();
        var h = x + _attention.call(_inputNorm.call(x), ctx);
        var y = h + _mlp.call(_postAttentionNorm.call(h));
        return y.MoveToOuterDisposeScope();
    }
}
