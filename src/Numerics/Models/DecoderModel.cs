using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Shear.Numerics.Models;

/// <summary>HF's <c>model</c> submodule: token embedding, decoder layers and the final norm.</summary>
public sealed class DecoderModel : nn.Module
{
    [ComponentName(Name = "embed_tokens")]
    private readonly Embedding _embedTokens;

    [ComponentName(Name = "layers")]
    private readonly ModuleList<DecoderLayer> _layers;

    [ComponentName(Name = "norm")]
    private readonly RmsNorm _norm;

    private readonly double _embedScale;

    /// <summary>Creates the body of a model with freshly initialised weights.</summary>
    public DecoderModel(ModelConfig config, ModelOptions options)
        : base("model")
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        _embedTokens = nn.Embedding(config.VocabSize, config.HiddenSize, device: options.Device, dtype: options.DType);
        _layers = new ModuleList<DecoderLayer>(Enumerable.Range(0, config.NumHiddenLayers).Select(i => new DecoderLayer(config, i, options)).ToArray());
        _norm = new RmsNorm(config.HiddenSize, config.RmsNormEps, config.IsGemma, options);
        _embedScale = EmbedScale(config);
        RegisterComponents();
    }

    /// <summary>The decoder layers, in order.</summary>
    public IReadOnlyList<DecoderLayer> Layers => [.. _layers];

    /// <summary>The embedding matrix (V, hidden).</summary>
    public Tensor EmbeddingWeight => _embedTokens.weight!;

    /// <summary>Token embeddings (B, T) -> (B, T, hidden), with Gemma's sqrt(hidden) scale.</summary>
    public Tensor Embed(Tensor inputIds) => EmbedWith(_embedTokens.weight!, inputIds, _embedScale);

    /// <summary>Gemma's embedding scale, sqrt(hidden); 1 for the other families.</summary>
    public static double EmbedScale(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.IsGemma ? Math.Sqrt(config.HiddenSize) : 1.0;
    }

    /// <summary>The embedding lookup with a given table (a job that holds only the embedding matrix uses it too).</summary>
    public static Tensor EmbedWith(Tensor weight, Tensor inputIds, double scale)
    {
        using var scope = NewDisposeScope();
        var shape = inputIds.shape.Append(weight.shape[1]).ToArray();
        var h = weight.index_select(0, inputIds.reshape(-1)).reshape(shape); // what aten::embedding does
        if (scale != 1.0)
        {
            // HF Gemma rounds the normaliser to the hidden dtype before multiplying.
            h = h * tensor(scale, h.dtype, h.device);
        }

        return h.MoveToOuterDisposeScope();
    }

    /// <summary>The final norm.</summary>
    public Tensor FinalNorm(Tensor hidden) => _norm.call(hidden);
}
