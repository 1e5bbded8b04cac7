using System.Text.Json;

namespace Shear.Numerics.Models;

/// <summary>Reads and validates <c>config.json</c>; unsupported values fail here, never later.</summary>
public static class ModelConfigLoader
{
    /// <summary>The model types one decoder implementation covers.</summary>
    public static readonly IReadOnlyList<string> SupportedModelTypes = ["llama", "mistral", "qwen2", "gemma", "qwen3", "gemma2", "gemma3_text", "phi3", "mixtral", "qwen3_moe"];

    private static readonly string[] SupportedActivations = ["silu", "gelu", "gelu_pytorch_tanh", "gelu_new"];

    /// <summary>Refuses a <c>--model</c> that is not a model folder (missing, a file, or without config.json), in one line.</summary>
    /// <exception cref="ArgumentException">What is wrong with it.</exception>
    public static void RequireFolder(string directory, string option = "--model")
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!File.Exists(Path.Combine(directory, "config.json")))
        {
            throw new ArgumentException(File.Exists(directory) ? $"{option} {directory} is a file, not a model folder"
                : Directory.Exists(directory) ? $"{option} {directory}: not a model folder (no config.json)" : $"{option} {directory}: no such folder");
        }
    }

    /// <summary>Loads <c>config.json</c> from a checkpoint folder (or a config file path).</summary>
    /// <exception cref="ModelConfigException">Missing file, bad JSON, missing field or unsupported value.</exception>
    public static ModelConfig Load(string pathOrDirectory)
    {
        var path = Directory.Exists(pathOrDirectory) ? Path.Combine(pathOrDirectory, "config.json") : pathOrDirectory;
        if (!File.Exists(path))
        {
            throw new ModelConfigException(path, "config.json not found");
        }

        if (new FileInfo(path).Length > 1 << 20)
        {
            throw new ModelConfigException(path, "larger than 1 MB: not a config.json");
        }

        string json;
        try
        {
            json = File.ReadAllText(path, new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true));
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw new ModelConfigException(path, "not UTF-8 text");
        }

        return Parse(path, json);
    }

    /// <summary>
    /// transformers' Gemma3TextConfig defaults: a multimodal Gemma 3 config.json's <c>text_config</c> lists only the
    /// fields that differ from them (google/gemma-3-4b-it gives hidden_size, intermediate_size, num_hidden_layers,
    /// rope_scaling and sliding_window).
    /// </summary>
    private const string Gemma3TextDefaults = """
        {"vocab_size":262208,"hidden_size":2304,"intermediate_size":9216,"num_hidden_layers":26,"num_attention_heads":8,
         "num_key_value_heads":4,"head_dim":256,"hidden_activation":"gelu_pytorch_tanh","max_position_embeddings":131072,
         "rms_norm_eps":1e-6,"rope_theta":1000000.0,"attention_bias":false,"query_pre_attn_scalar":256,"sliding_window":4096,
         "rope_local_base_freq":10000.0,"sliding_window_pattern":6,"pad_token_id":0,"eos_token_id":1,"bos_token_id":2}
        """;

    /// <summary>Parses config JSON; <paramref name="path"/> only names the source in errors.</summary>
    public static ModelConfig Parse(string path, string json)
    {
        ModelConfig config;
        try
        {
            var (text, prefix) = LanguageModel(path, json);
            config = (JsonSerializer.Deserialize<ModelConfig>(text) ?? throw new ModelConfigException(path, "config is null")) with { TensorPrefix = prefix };
        }
        catch (JsonException e)
        {
            // System.Text.Json names the field as a JSON path ($.hidden_size): say it in the config's own words.
            var field = e.Path is { Length: > 2 } p ? p.TrimStart('$', '.') : null;
            var message = e.Message.Split(" Path:")[0]
                .Replace("System.Nullable`1[System.Boolean]", "true or false", StringComparison.Ordinal).Replace("System.Int32", "a whole number", StringComparison.Ordinal)
                .Replace("System.Double", "a number", StringComparison.Ordinal).Replace("The JSON value could not be converted to", "expected", StringComparison.Ordinal);
            throw new ModelConfigException(path, field is null ? message : $"{field}: {message}");
        }

        Validate(path, config);
        return config;
    }

    // The causal language model's config and its tensors' prefix: the file itself, or a multimodal Gemma 3's text_config
    // over Gemma3TextConfig's defaults (the file's own token ids win), whose tensors live under language_model.
    private static (string Json, string Prefix) LanguageModel(string path, string json)
    {
        if (System.Text.Json.Nodes.JsonNode.Parse(json) is not System.Text.Json.Nodes.JsonObject root || root["model_type"]?.GetValueKind() != JsonValueKind.String
            || root["model_type"]!.GetValue<string>() != "gemma3")
        {
            return (json, "");
        }

        if (root["text_config"] is not System.Text.Json.Nodes.JsonObject text)
        {
            throw new ModelConfigException(path, "text_config: a gemma3 (multimodal) config needs its language model's text_config object");
        }

        var merged = (System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(Gemma3TextDefaults)!;
        foreach (var (key, value) in text)
        {
            merged[key] = value?.DeepClone();
        }

        foreach (var key in new[] { "bos_token_id", "eos_token_id", "pad_token_id", "torch_dtype" })
        {
            if (root[key] is { } value)
            {
                merged[key] = value.DeepClone();
            }
        }

        merged["model_type"] = "gemma3_text";
        return (merged.ToJsonString(), "language_model.");
    }

    private static void Validate(string path, ModelConfig c)
    {
        if (!SupportedModelTypes.Contains(c.ModelType))
        {
            throw new ModelConfigException(path, $"unknown model_type '{c.ModelType}' (Shear supports {string.Join(", ", SupportedModelTypes)})");
        }

        if (c.ModelType is "qwen3" or "qwen3_moe" && c.UseSlidingWindow == true)
        {
            // Qwen3 windows only the layers from max_window_layers on (transformers' layer_types); no released Qwen3 uses it.
            throw new ModelConfigException(path, $"use_sliding_window: true is not supported for {c.ModelType} (Shear runs its layers with full attention)");
        }

        if (c.ModelType is "mixtral" or "qwen3_moe")
        {
            ValidateExperts(path, c);
        }

        if (c.LayerTypes is { } types)
        {
            if (types.Length != c.NumHiddenLayers)
            {
                throw new ModelConfigException(path, $"layer_types has {types.Length} entries for num_hidden_layers {c.NumHiddenLayers}");
            }

            if (types.FirstOrDefault(t => t is not ("sliding_attention" or "full_attention")) is { } unknown)
            {
                throw new ModelConfigException(path, $"layer_types: unknown entry '{unknown}' (expected sliding_attention or full_attention)");
            }
        }

        if (c.SlidingWindowPattern is <= 0)
        {
            throw new ModelConfigException(path, $"sliding_window_pattern must be positive, got {c.SlidingWindowPattern}");
        }

        if (c.ModelType is "gemma2" or "gemma3_text" && c.SlidingWindow is not > 0 && Enumerable.Range(0, Math.Clamp(c.NumHiddenLayers, 0, 4096)).Any(i => c.LayerTypes is null || i >= c.LayerTypes.Length || c.LayerTypes[i] == "sliding_attention"))
        {
            throw new ModelConfigException(path, $"sliding_window: {c.ModelType}'s local layers need a positive window");
        }

        foreach (var (name, value) in new[] { ("query_pre_attn_scalar", c.QueryPreAttnScalar), ("attn_logit_softcapping", c.AttnLogitSoftcapping), ("final_logit_softcapping", c.FinalLogitSoftcapping), ("rope_local_base_freq", c.RopeLocalBaseFreq) })
        {
            if (value is { } v && !(v > 0 && double.IsFinite(v)))
            {
                throw new ModelConfigException(path, $"{name} must be a positive number, got {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            }
        }

        // Bounds well above any released model: a typo fails here, not as an allocation of terabytes.
        InRange(path, "hidden_size", c.HiddenSize, 1 << 16);
        InRange(path, "intermediate_size", c.IntermediateSize, 1 << 20);
        InRange(path, "num_hidden_layers", c.NumHiddenLayers, 4096);
        InRange(path, "num_attention_heads", c.NumAttentionHeads, 4096);
        InRange(path, "num_key_value_heads", c.KvHeads, 4096);
        InRange(path, "vocab_size", c.VocabSize, 1 << 23);
        if (c.HeadDimOverride is { } headDim)
        {
            InRange(path, "head_dim", headDim, 1 << 12);
        }

        InRange(path, "max_position_embeddings", c.MaxPositionEmbeddings, 1 << 24, min: 2);
        if (!(c.RopeTheta > 0) || double.IsInfinity(c.RopeTheta))
        {
            throw new ModelConfigException(path, $"rope_theta must be a positive number, got {c.RopeTheta.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }

        if (!(c.RmsNormEps > 0 && c.RmsNormEps < 1))
        {
            throw new ModelConfigException(path, $"rms_norm_eps must be in (0, 1), got {c.RmsNormEps.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }

        if (c.SlidingWindow is { } window)
        {
            InRange(path, "sliding_window", window, int.MaxValue);
        }

        TokenId(path, "bos_token_id", c.BosTokenId, c.VocabSize);
        TokenId(path, "pad_token_id", c.PadTokenId, c.VocabSize);
        if (c.EosTokenIdRaw is { ValueKind: not JsonValueKind.Null } eos)
        {
            var ids = eos.ValueKind == JsonValueKind.Array ? [.. eos.EnumerateArray()] : new[] { eos };
            foreach (var id in ids)
            {
                if (id.ValueKind != JsonValueKind.Number || !id.TryGetInt32(out int n))
                {
                    throw new ModelConfigException(path, $"eos_token_id must be a token id or a list of them, got {eos.GetRawText()}");
                }

                TokenId(path, "eos_token_id", n, c.VocabSize);
            }
        }
        if (c.NumAttentionHeads % c.KvHeads != 0)
        {
            throw new ModelConfigException(path, $"num_attention_heads {c.NumAttentionHeads} is not a multiple of num_key_value_heads {c.KvHeads}");
        }

        if (c.HeadDimOverride is null && c.HiddenSize % c.NumAttentionHeads != 0)
        {
            throw new ModelConfigException(path, $"hidden_size {c.HiddenSize} is not divisible by num_attention_heads {c.NumAttentionHeads}");
        }

        if (c.HeadDim % 2 != 0)
        {
            throw new ModelConfigException(path, $"head_dim {c.HeadDim} must be even for rotary embeddings");
        }

        if (!SupportedActivations.Contains(c.Activation))
        {
            throw new ModelConfigException(path, $"unsupported activation '{c.Activation}' (Shear supports {string.Join(", ", SupportedActivations)})");
        }

        var rope = c.RopeScaling?.Kind ?? "default";
        if (rope is not ("default" or "linear" or "llama3" or "longrope"))
        {
            throw new ModelConfigException(path, $"unsupported rope_scaling type '{rope}' (Shear supports default, linear, llama3, longrope)");
        }

        if (!(c.PartialRotaryFactor > 0 && c.PartialRotaryFactor <= 1) || c.RotaryDim % 2 != 0 || c.RotaryDim == 0)
        {
            throw new ModelConfigException(path, $"partial_rotary_factor {c.PartialRotaryFactor.ToString(System.Globalization.CultureInfo.InvariantCulture)} x head_dim {c.HeadDim} must give an even, positive number of rotary dimensions");
        }

        if (c.RopeScaling is { Kind: "longrope" } longrope)
        {
            foreach (var (field, factors) in new[] { ("short_factor", longrope.ShortFactor), ("long_factor", longrope.LongFactor) })
            {
                if (factors is null || factors.Length != c.RotaryDim / 2 || factors.Any(f => !(f > 0 && double.IsFinite(f))))
                {
                    throw new ModelConfigException(path, $"rope_scaling.{field} must list {c.RotaryDim / 2} positive numbers (one per rotary frequency), got {factors?.Length ?? 0}");
                }
            }
        }

        if (c.RopeScaling is { } scaling)
        {
            foreach (var (field, value) in new[] { ("factor", scaling.Factor), ("low_freq_factor", scaling.LowFreqFactor), ("high_freq_factor", scaling.HighFreqFactor) })
            {
                if (!(value > 0) || double.IsInfinity(value))
                {
                    throw new ModelConfigException(path, $"rope_scaling.{field} must be a positive number, got {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
                }
            }

            InRange(path, "rope_scaling.original_max_position_embeddings", scaling.OriginalMaxPositionEmbeddings, 1 << 24);
        }
    }

    // A MoE config's expert fields: counts in range, top-k within the experts, every mlp_only_layers entry a layer.
    private static void ValidateExperts(string path, ModelConfig c)
    {
        InRange(path, c.ExpertCountField, c.ExpertCount, 1 << 12, min: c.ModelType == "mixtral" ? 1 : 0);
        if (c.ExpertCount > 0)
        {
            InRange(path, "num_experts_per_tok", c.ExpertsPerToken, c.ExpertCount);
        }

        if (c.MoeIntermediateSize is { } width)
        {
            InRange(path, "moe_intermediate_size", width, 1 << 20);
        }

        InRange(path, "decoder_sparse_step", c.DecoderSparseStep, 4096);
        if (c.MlpOnlyLayers?.Where(l => l < 0 || l >= c.NumHiddenLayers).Select(l => (int?)l).FirstOrDefault() is { } bad)
        {
            throw new ModelConfigException(path, $"mlp_only_layers: {bad} is not a layer (0 to {c.NumHiddenLayers - 1})");
        }
    }

    private static void InRange(string path, string field, int value, int max, int min = 1)
    {
        if (value < min || value > max)
        {
            throw new ModelConfigException(path, $"{field} must be {min} to {max}, got {value}");
        }
    }

    private static void TokenId(string path, string field, int? id, int vocab)
    {
        if (id is { } n && (n < 0 || n >= vocab))
        {
            throw new ModelConfigException(path, $"{field} {n} is not a token id of the vocabulary (0 to {vocab - 1})");
        }
    }
}
