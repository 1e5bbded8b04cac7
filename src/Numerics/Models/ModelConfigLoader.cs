using System.Text.Json;

namespace Shear.Numerics.Models;

/// <summary>Reads and validates <c>config.json</c>; unsupported values fail here, never later.</summary>
public static class ModelConfigLoader
{
    /// <summary>The model types one decoder implementation covers.</summary>
    public static readonly IReadOnlyList<string> SupportedModelTypes = ["llama", "mistral", "qwen2", "gemma"];

    private static readonly string[] SupportedActivations = ["silu", "gelu", "gelu_pytorch_tanh", "gelu_new"];

    /// <summary>Loads <c>config.json</c> from a checkpoint folder (or a config file path).</summary>
    /// <exception cref="ModelConfigException">Missing file, bad JSON, missing field or unsupported value.</exception>
    public static ModelConfig Load(string pathOrDirectory)
    {
        var path = Directory.Exists(pathOrDirectory) ? Path.Combine(pathOrDirectory, "config.json") : pathOrDirectory;
        if (!File.Exists(path))
        {
            throw new ModelConfigException(path, "config.json not found");
        }

        return Parse(path, File.ReadAllText(path));
    }

    /// <summary>Parses config JSON; <paramref name="path"/> only names the source in errors.</summary>
    public static ModelConfig Parse(string path, string json)
    {
        ModelConfig config;
        try
        {
            config = JsonSerializer.Deserialize<ModelConfig>(json) ?? throw new ModelConfigException(path, "config is null");
        }
        catch (JsonException e)
        {
            throw new ModelConfigException(path, e.Message);
        }

        Validate(path, config);
        return config;
    }

    private static void Validate(string path, ModelConfig c)
    {
        if (!SupportedModelTypes.Contains(c.ModelType))
        {
            throw new ModelConfigException(path, $"unknown model_type '{c.ModelType}' (Shear supports {string.Join(", ", SupportedModelTypes)})");
        }

        Positive(path, "hidden_size", c.HiddenSize);
        Positive(path, "intermediate_size", c.IntermediateSize);
        Positive(path, "num_hidden_layers", c.NumHiddenLayers);
        Positive(path, "num_attention_heads", c.NumAttentionHeads);
        Positive(path, "num_key_value_heads", c.KvHeads);
        Positive(path, "vocab_size", c.VocabSize);
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
        if (rope is not ("default" or "linear" or "llama3"))
        {
            throw new ModelConfigException(path, $"unsupported rope_scaling type '{rope}' (Shear supports default, linear, llama3)");
        }
    }

    private static void Positive(string path, string field, int value)
    {
        if (value <= 0)
        {
            throw new ModelConfigException(path, $"{field} must be positive, got {value}");
        }
    }
}
