using System.Text.Json.Serialization;

namespace Shear.Numerics.Data.Generated;

/// <summary>One continuation of self-generated calibration, a line of <c>calibration/generated.jsonl</c>.</summary>
/// <param name="Source">The dataset its prefix came from.</param>
/// <param name="Prefix">The prefix the dense model continued (decoded, special tokens dropped).</param>
/// <param name="Text">Prefix and continuation, decoded as the authors' <c>batch_decode(skip_special_tokens=True)</c>.</param>
/// <param name="Tokens">Tokens of <paramref name="Text"/> as the perplexity saw them (re-encoded, BOS included).</param>
/// <param name="Perplexity">exp of the dense model's mean next-token loss over <paramref name="Text"/> (infinite below two tokens).</param>
/// <param name="Kept">Whether its perplexity is below the threshold, so that it is part of the calibration text.</param>
public sealed record GeneratedText(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("prefix")] string Prefix,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("tokens")] int Tokens,
    [property: JsonPropertyName("perplexity")] double Perplexity,
    [property: JsonPropertyName("kept")] bool Kept);
