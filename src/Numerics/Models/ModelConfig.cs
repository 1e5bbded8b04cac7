using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shear.Numerics.Models;

/// <summary>
/// The fields of an HF <c>config.json</c> that the decoder uses, for <c>model_type</c> llama, mistral, qwen2,
/// gemma and qwen3. Bind with <see cref="ModelConfigLoader"/>, which validates and fails on unsupported values.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>llama, mistral, qwen2, gemma or qwen3.</summary>
    [JsonPropertyName("model_type"), JsonRequired]
    public string ModelType { get; init; } = "";

    /// <summary>Width of the residual stream.</summary>
    [JsonPropertyName("hidden_size"), JsonRequired]
    public int HiddenSize { get; init; }

    /// <summary>Width of the MLP.</summary>
    [JsonPropertyName("intermediate_size"), JsonRequired]
    public int IntermediateSize { get; init; }

    /// <summary>Decoder layers.</summary>
    [JsonPropertyName("num_hidden_layers"), JsonRequired]
    public int NumHiddenLayers { get; init; }

    /// <summary>Query heads.</summary>
    [JsonPropertyName("num_attention_heads"), JsonRequired]
    public int NumAttentionHeads { get; init; }

    /// <summary>Key/value heads (GQA); defaults to <see cref="NumAttentionHeads"/>.</summary>
    [JsonPropertyName("num_key_value_heads")]
    public int? NumKeyValueHeads { get; init; }

    /// <summary>Head width when it is not hidden/heads (Gemma-7B: 256).</summary>
    [JsonPropertyName("head_dim")]
    public int? HeadDimOverride { get; init; }

    /// <summary>Vocabulary size.</summary>
    [JsonPropertyName("vocab_size"), JsonRequired]
    public int VocabSize { get; init; }

    /// <summary>RMSNorm epsilon.</summary>
    [JsonPropertyName("rms_norm_eps")]
    public double RmsNormEps { get; init; } = 1e-6;

    /// <summary>Rotary base.</summary>
    [JsonPropertyName("rope_theta")]
    public double RopeTheta { get; init; } = 10000.0;

    /// <summary>Rotary scaling, or null.</summary>
    [JsonPropertyName("rope_scaling")]
    public RopeScaling? RopeScaling { get; init; }

    /// <summary>Longest context the model was trained for.</summary>
    [JsonPropertyName("max_position_embeddings")]
    public int MaxPositionEmbeddings { get; init; } = 2048;

    /// <summary>Whether <c>lm_head</c> shares the embedding matrix; null = family default (Gemma true, others false).</summary>
    [JsonPropertyName("tie_word_embeddings")]
    public bool? TieWordEmbeddingsRaw { get; init; }

    /// <summary>Activation name (<c>silu</c>, <c>gelu</c>, <c>gelu_pytorch_tanh</c>).</summary>
    [JsonPropertyName("hidden_act")]
    public string? HiddenAct { get; init; }

    /// <summary>Gemma's activation name (wins over <see cref="HiddenAct"/>; default <c>gelu_pytorch_tanh</c>).</summary>
    [JsonPropertyName("hidden_activation")]
    public string? HiddenActivation { get; init; }

    /// <summary>Bias on q/k/v/o projections (llama option; qwen2 always has q/k/v bias).</summary>
    [JsonPropertyName("attention_bias")]
    public bool AttentionBias { get; init; }

    /// <summary>Bias on MLP projections (llama option).</summary>
    [JsonPropertyName("mlp_bias")]
    public bool MlpBias { get; init; }

    /// <summary>Mistral/Qwen2 sliding attention window, or null.</summary>
    [JsonPropertyName("sliding_window")]
    public int? SlidingWindow { get; init; }

    /// <summary>Qwen2: whether the sliding window is used at all.</summary>
    [JsonPropertyName("use_sliding_window")]
    public bool? UseSlidingWindow { get; init; }

    /// <summary>Beginning-of-sequence token id.</summary>
    [JsonPropertyName("bos_token_id")]
    public int? BosTokenId { get; init; }

    /// <summary>End-of-sequence token id(s) (an int or a list in config.json).</summary>
    [JsonPropertyName("eos_token_id")]
    public JsonElement? EosTokenIdRaw { get; init; }

    /// <summary>Padding token id.</summary>
    [JsonPropertyName("pad_token_id")]
    public int? PadTokenId { get; init; }

    /// <summary>The dtype the checkpoint was saved in (<c>bfloat16</c>, <c>float32</c>, ...).</summary>
    [JsonPropertyName("torch_dtype")]
    public string? TorchDtype { get; init; }

    /// <summary>Key/value heads, resolved.</summary>
    [JsonIgnore]
    public int KvHeads => NumKeyValueHeads ?? NumAttentionHeads;

    /// <summary>Head width, resolved.</summary>
    [JsonIgnore]
    public int HeadDim => HeadDimOverride ?? HiddenSize / NumAttentionHeads;

    /// <summary>Query heads per key/value head.</summary>
    [JsonIgnore]
    public int KvGroups => NumAttentionHeads / KvHeads;

    /// <summary>True for Gemma's conventions (1+w norm, embedding scale, GeGLU, tied head).</summary>
    [JsonIgnore]
    public bool IsGemma => ModelType == "gemma";

    /// <summary>Whether <c>lm_head</c> is tied to the embedding.</summary>
    [JsonIgnore]
    public bool TieWordEmbeddings => TieWordEmbeddingsRaw ?? IsGemma;

    /// <summary>Whether q/k/v projections carry a bias.</summary>
    [JsonIgnore]
    public bool QkvBias => ModelType == "qwen2" || AttentionBias;

    /// <summary>Whether each head's query and key are RMS-normalised over head_dim before RoPE (qwen3's <c>q_norm</c>/<c>k_norm</c>).</summary>
    [JsonIgnore]
    public bool QkNorm => ModelType == "qwen3";

    /// <summary>Whether o_proj carries a bias.</summary>
    [JsonIgnore]
    public bool OutputBias => ModelType != "qwen2" && AttentionBias;

    /// <summary>The MLP activation, resolved.</summary>
    [JsonIgnore]
    public string Activation => IsGemma ? HiddenActivation ?? "gelu_pytorch_tanh" : HiddenAct ?? "silu";

    /// <summary>The attention window in effect, or null for full causal attention.</summary>
    [JsonIgnore]
    public int? EffectiveSlidingWindow => ModelType switch
    {
        "mistral" => SlidingWindow,
        "qwen2" when UseSlidingWindow == true => SlidingWindow,
        _ => null,
    };

    /// <summary>End-of-sequence ids, resolved.</summary>
    [JsonIgnore]
    public IReadOnlyList<int> EosTokenIds => EosTokenIdRaw switch
    {
        { ValueKind: JsonValueKind.Number } e => [e.GetInt32()],
        { ValueKind: JsonValueKind.Array } e => e.EnumerateArray().Select(x => x.GetInt32()).ToArray(),
        _ => [],
    };
}
