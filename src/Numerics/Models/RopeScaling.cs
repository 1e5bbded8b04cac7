using System.Text.Json.Serialization;

namespace Shear.Numerics.Models;

/// <summary>HF <c>rope_scaling</c>. Shear supports <c>default</c>, <c>linear</c>, <c>llama3</c> and <c>longrope</c> (Phi-3/4).</summary>
public sealed record RopeScaling
{
    /// <summary>The scaling type (<c>rope_type</c>, or the older <c>type</c>).</summary>
    [JsonPropertyName("rope_type")]
    public string? RopeType { get; init; }

    /// <summary>Older spelling of <see cref="RopeType"/>.</summary>
    [JsonPropertyName("type")]
    public string? LegacyType { get; init; }

    /// <summary>Scale factor.</summary>
    [JsonPropertyName("factor")]
    public double Factor { get; init; } = 1.0;

    /// <summary>llama3: low-frequency factor.</summary>
    [JsonPropertyName("low_freq_factor")]
    public double LowFreqFactor { get; init; } = 1.0;

    /// <summary>llama3: high-frequency factor.</summary>
    [JsonPropertyName("high_freq_factor")]
    public double HighFreqFactor { get; init; } = 4.0;

    /// <summary>llama3: the context length the model was pre-trained with.</summary>
    [JsonPropertyName("original_max_position_embeddings")]
    public int OriginalMaxPositionEmbeddings { get; init; } = 8192;

    /// <summary>longrope: per-frequency factors up to the pre-training length.</summary>
    [JsonPropertyName("short_factor")]
    public double[]? ShortFactor { get; init; }

    /// <summary>longrope: per-frequency factors beyond it.</summary>
    [JsonPropertyName("long_factor")]
    public double[]? LongFactor { get; init; }

    /// <summary>longrope: the factor cos and sin are scaled by (default: from max / original max positions).</summary>
    [JsonPropertyName("attention_factor")]
    public double? AttentionFactor { get; init; }

    /// <summary>The effective type.</summary>
    [JsonIgnore]
    public string Kind => RopeType ?? LegacyType ?? "default";
}
