using System.Text.Json.Serialization;
using Shear.Numerics.Generation;

namespace Shear.Numerics.Data.Generated;

/// <summary>
/// The recipe of self-generated calibration, "Beware of Calibration Data for Pruning Large Language Models" (ICLR 2025,
/// arXiv 2410.17711; its authors' <c>generate_data.py</c> and <c>sample_ppl.py</c>): prefixes of a few tokens from the
/// source's documents, continued by the dense model with its sampling settings, and the texts at or above a percentile
/// of their perplexity dropped. One set of defaults, recorded in pruning.json.
/// </summary>
public sealed record SelfGenerationSettings
{
    /// <summary>The paper's settings.</summary>
    public static SelfGenerationSettings Paper { get; } = new();

    /// <summary>Tokens of a document, after BOS, that make its prefix (the authors' <c>input_ids[:2]</c>).</summary>
    /// <value>Default 2.</value>
    [JsonPropertyName("prefix_tokens")]
    public int PrefixTokens { get; init; } = 2;

    /// <summary>Sampling temperature.</summary>
    /// <value>Default 0.6.</value>
    [JsonPropertyName("temperature")]
    public double Temperature { get; init; } = 0.6;

    /// <summary>Top-k.</summary>
    /// <value>Default 50.</value>
    [JsonPropertyName("top_k")]
    public int TopK { get; init; } = 50;

    /// <summary>Top-p (nucleus).</summary>
    /// <value>Default 0.95.</value>
    [JsonPropertyName("top_p")]
    public double TopP { get; init; } = 0.95;

    /// <summary>HF's repetition penalty (<see cref="GenerationOptions.RepetitionPenalty"/>).</summary>
    /// <value>Default 1.2.</value>
    [JsonPropertyName("repetition_penalty")]
    public double RepetitionPenalty { get; init; } = 1.2;

    /// <summary>Texts whose perplexity is below this percentile of all the texts' perplexities are kept (numpy's linear percentile).</summary>
    /// <value>Default 80.</value>
    [JsonPropertyName("keep_below_percentile")]
    public double KeepBelowPercentile { get; init; } = 80;

    /// <summary>Most rows continued at once (fewer when seqlen is long: the run's token budget over seqlen).</summary>
    /// <value>Default 32, the authors' batch size.</value>
    [JsonPropertyName("max_batch")]
    public int MaxBatch { get; init; } = 32;

    /// <summary>Prefixes beyond <c>ceil(nsamples x 100 / percentile)</c> generated in the first round, so that the kept text usually covers nsamples x seqlen tokens without a second round.</summary>
    /// <value>Default 4.</value>
    [JsonPropertyName("margin")]
    public int Margin { get; init; } = 4;

    /// <summary>The first round's prefixes for <paramref name="nsamples"/> samples: <c>ceil(nsamples x 100 / percentile) + margin</c>.</summary>
    public int FirstRound(int nsamples) => (int)Math.Ceiling(nsamples * 100 / KeepBelowPercentile) + Margin;

    /// <summary>The generation options of one batch: up to <paramref name="maxNewTokens"/> tokens, row j of the batch seeded with <paramref name="seed"/> + j.</summary>
    public GenerationOptions Options(int maxNewTokens, long seed) => new()
    {
        MaxNewTokens = maxNewTokens,
        Temperature = Temperature,
        TopK = TopK,
        TopP = TopP,
        RepetitionPenalty = RepetitionPenalty,
        Seed = seed,
    };
}
