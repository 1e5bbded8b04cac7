using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shear.Numerics.Models;

/// <summary>
/// The fields of an HF <c>config.json</c> that the decoder uses, for <c>model_type</c> llama, mistral, qwen2,
/// gemma, qwen3, gemma2, gemma3_text, phi3 (Phi-3 and Phi-4) and the mixtures of experts mixtral and qwen3_moe. Bind with <see cref="ModelConfigLoader"/>, which validates and fails on unsupported values.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>llama, mistral, qwen2, gemma, qwen3, gemma2, gemma3_text, phi3, mixtral or qwen3_moe.</summary>
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

    /// <summary>Gemma 2/3: attention scores are scaled by this to the power -1/2 (not head_dim's).</summary>
    [JsonPropertyName("query_pre_attn_scalar")]
    public double? QueryPreAttnScalar { get; init; }

    /// <summary>Gemma 2: attention scores become cap x tanh(score / cap) before the mask.</summary>
    [JsonPropertyName("attn_logit_softcapping")]
    public double? AttnLogitSoftcapping { get; init; }

    /// <summary>Gemma 2: logits become cap x tanh(logit / cap).</summary>
    [JsonPropertyName("final_logit_softcapping")]
    public double? FinalLogitSoftcapping { get; init; }

    /// <summary>Gemma 3: the rope base of its local (sliding-window) layers, which use no rope scaling.</summary>
    [JsonPropertyName("rope_local_base_freq")]
    public double? RopeLocalBaseFreq { get; init; }

    /// <summary>Gemma 3 (older configs): every N-th layer is global, the others local.</summary>
    [JsonPropertyName("sliding_window_pattern")]
    public int? SlidingWindowPattern { get; init; }

    /// <summary>Per layer: <c>sliding_attention</c> or <c>full_attention</c> (newer configs).</summary>
    [JsonPropertyName("layer_types")]
    public string[]? LayerTypes { get; init; }

    /// <summary>Phi: the fraction of each head's dimensions that RoPE rotates (the rest pass through).</summary>
    [JsonPropertyName("partial_rotary_factor")]
    public double PartialRotaryFactor { get; init; } = 1.0;

    /// <summary>Phi-3: the context length it was pre-trained with (longrope's short factors up to it).</summary>
    [JsonPropertyName("original_max_position_embeddings")]
    public int? OriginalMaxPositionEmbeddings { get; init; }

    /// <summary>Mixtral: experts per MoE layer.</summary>
    [JsonPropertyName("num_local_experts")]
    public int? NumLocalExperts { get; init; }

    /// <summary>Qwen3-MoE: experts per MoE layer.</summary>
    [JsonPropertyName("num_experts")]
    public int? NumExperts { get; init; }

    /// <summary>MoE: experts each token is routed to (top-k of the router's softmax).</summary>
    [JsonPropertyName("num_experts_per_tok")]
    public int? NumExpertsPerTok { get; init; }

    /// <summary>Qwen3-MoE: whether the top-k routing weights are renormalised to sum to 1 (Mixtral always does).</summary>
    [JsonPropertyName("norm_topk_prob")]
    public bool NormTopkProb { get; init; }

    /// <summary>Qwen3-MoE: each expert's MLP width (the dense MLP layers use <see cref="IntermediateSize"/>).</summary>
    [JsonPropertyName("moe_intermediate_size")]
    public int? MoeIntermediateSize { get; init; }

    /// <summary>Qwen3-MoE: every N-th layer (1-based) is a MoE layer.</summary>
    [JsonPropertyName("decoder_sparse_step")]
    public int DecoderSparseStep { get; init; } = 1;

    /// <summary>Qwen3-MoE: layers that keep a dense MLP.</summary>
    [JsonPropertyName("mlp_only_layers")]
    public int[]? MlpOnlyLayers { get; init; }

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

    /// <summary>
    /// What the language model's tensor names start with in the checkpoint: empty for a causal LM
    /// (<c>model.layers.0...</c>, <c>lm_head.weight</c>); <c>language_model.</c> for Gemma 3's multimodal checkpoints, whose
    /// language model Shear prunes (the vision tower and projector are copied unchanged).
    /// </summary>
    [JsonIgnore]
    public string TensorPrefix { get; init; } = "";

    /// <summary>Whether config.json describes a multimodal model (Gemma 3's <c>text_config</c> is what this config holds).</summary>
    [JsonIgnore]
    public bool Multimodal => TensorPrefix.Length > 0;

    /// <summary>The prefix of every decoder layer's tensors.</summary>
    [JsonIgnore]
    public string LayersPrefix => $"{TensorPrefix}model.layers.";

    /// <summary>The embedding's tensor name.</summary>
    [JsonIgnore]
    public string EmbeddingTensor => $"{TensorPrefix}model.embed_tokens.weight";

    /// <summary>The prefix of decoder layer <paramref name="index"/>'s tensors.</summary>
    public string LayerPrefix(int index) => $"{LayersPrefix}{index.ToString(System.Globalization.CultureInfo.InvariantCulture)}.";

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
    public bool IsGemma => ModelType is "gemma" or "gemma2" or "gemma3_text";

    /// <summary>Phi-3/4: q, k and v are one Linear (<c>qkv_proj</c>), gate and up another (<c>gate_up_proj</c>).</summary>
    [JsonIgnore]
    public bool FusedProjections => ModelType == "phi3";

    /// <summary>The dimensions of each head RoPE rotates.</summary>
    [JsonIgnore]
    public int RotaryDim => (int)(HeadDim * PartialRotaryFactor);

    /// <summary>Gemma 2/3: the attention output and the MLP are each normalised before and after (four norms a layer).</summary>
    [JsonIgnore]
    public bool SandwichNorms => ModelType is "gemma2" or "gemma3_text";

    /// <summary>The factor attention scores are scaled by: query_pre_attn_scalar^-1/2 where given, else head_dim^-1/2.</summary>
    [JsonIgnore]
    public double AttentionScale => 1.0 / Math.Sqrt(QueryPreAttnScalar ?? HeadDim);

    /// <summary>The sliding window layer <paramref name="layer"/> attends within, or null for full causal attention.</summary>
    public int? WindowOf(int layer) => ModelType switch
    {
        "gemma2" => layer % 2 == 0 ? SlidingWindow : null, // transformers: is_sliding = not bool(layer_idx % 2)
        "gemma3_text" => (LayerTypes is { } types ? types[layer] == "sliding_attention" : (layer + 1) % (SlidingWindowPattern ?? 6) != 0) ? SlidingWindow : null,
        _ => EffectiveSlidingWindow,
    };

    /// <summary>The rope base of the local layers where they have their own (Gemma 3), else null.</summary>
    [JsonIgnore]
    public double? LocalRopeTheta => ModelType == "gemma3_text" ? RopeLocalBaseFreq ?? 10000.0 : null;

    /// <summary>Whether <c>lm_head</c> is tied to the embedding.</summary>
    [JsonIgnore]
    public bool TieWordEmbeddings => TieWordEmbeddingsRaw ?? IsGemma;

    /// <summary>Whether q/k/v projections carry a bias.</summary>
    [JsonIgnore]
    public bool QkvBias => ModelType == "qwen2" || AttentionBias;

    /// <summary>Whether each head's query and key are RMS-normalised over head_dim before RoPE (qwen3's <c>q_norm</c>/<c>k_norm</c>).</summary>
    [JsonIgnore]
    public bool QkNorm => ModelType is "qwen3" or "qwen3_moe" or "gemma3_text";

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
        "mistral" or "phi3" or "mixtral" => SlidingWindow,
        "qwen2" when UseSlidingWindow == true => SlidingWindow,
        _ => null,
    };

    /// <summary>Experts of a MoE layer (mixtral's num_local_experts, qwen3_moe's num_experts); 0 for dense families.</summary>
    [JsonIgnore]
    public int ExpertCount => ModelType switch
    {
        "mixtral" => NumLocalExperts ?? 8,
        "qwen3_moe" => NumExperts ?? 0,
        _ => 0,
    };

    /// <summary>The config.json field that counts a mixture's experts (what errors name).</summary>
    [JsonIgnore]
    public string ExpertCountField => ModelType == "mixtral" ? "num_local_experts" : "num_experts";

    /// <summary>The name of a MoE layer's block in the checkpoint (Mixtral's <c>block_sparse_moe</c>, Qwen3-MoE's <c>mlp</c>).</summary>
    [JsonIgnore]
    public string MoeBlockName => ModelType == "mixtral" ? "block_sparse_moe" : "mlp";

    /// <summary>Experts each token is routed to.</summary>
    [JsonIgnore]
    public int ExpertsPerToken => NumExpertsPerTok ?? 2;

    /// <summary>Whether the top-k routing weights are renormalised (Mixtral always; Qwen3-MoE by norm_topk_prob).</summary>
    [JsonIgnore]
    public bool RenormaliseRouting => ModelType == "mixtral" || NormTopkProb;

    /// <summary>Each expert's MLP width.</summary>
    [JsonIgnore]
    public int ExpertIntermediateSize => ModelType == "qwen3_moe" ? MoeIntermediateSize ?? IntermediateSize : IntermediateSize;

    /// <summary>Whether layer <paramref name="layer"/>'s MLP is a sparse mixture of experts (transformers' Qwen3MoeDecoderLayer rule; every Mixtral layer).</summary>
    public bool IsMoeLayer(int layer) => ModelType switch
    {
        "mixtral" => true,
        "qwen3_moe" => ExpertCount > 0 && (MlpOnlyLayers is null || !MlpOnlyLayers.Contains(layer)) && (layer + 1) % DecoderSparseStep == 0,
        _ => false,
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
