using System.Text.Json.Serialization;

namespace Shear.Numerics.Data.Generated;

/// <summary>What pruning.json says of a generated calibration part: how many texts, how many kept, the threshold, the settings, the file.</summary>
/// <param name="Source">The dataset the prefixes came from.</param>
/// <param name="Prefixes">Prefixes continued (texts generated).</param>
/// <param name="Kept">Texts kept (perplexity below the threshold).</param>
/// <param name="Threshold">The perplexity percentile the kept texts are below (<c>"Infinity"</c> when a fifth of the texts are too short for a perplexity).</param>
/// <param name="Settings">The recipe's settings (sampling, percentile, batch).</param>
public sealed record GenerationSummary(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("prefixes")] int Prefixes,
    [property: JsonPropertyName("kept")] int Kept,
    [property: JsonPropertyName("perplexity_threshold"), JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)] double Threshold,
    [property: JsonPropertyName("settings")] SelfGenerationSettings Settings)
{
    /// <summary>The file holding every text, relative to the output folder.</summary>
    [JsonPropertyName("file")]
    public string File => GeneratedCorpus.FileName;

    /// <summary>The summary of <paramref name="corpus"/>.</summary>
    public static GenerationSummary Of(GeneratedCorpus corpus, SelfGenerationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        return new(corpus.Source, corpus.Texts.Count, corpus.Texts.Count(t => t.Kept), corpus.Threshold, settings);
    }
}
