using System.Text;
using System.Text.Json;

namespace Shear.Numerics.Tokenization;

/// <summary>The <c>normalizer</c> of a tokenizer.json: Sequence, Prepend, Replace, NFC/NFD/NFKC/NFKD, Lowercase, Strip.</summary>
public sealed class TextNormalizer
{
    private readonly Func<string, string>[] _steps;

    private TextNormalizer(Func<string, string>[] steps) => _steps = steps;

    /// <summary>A normalizer that changes nothing.</summary>
    public static TextNormalizer Identity { get; } = new([]);

    /// <summary>Applies every step in order.</summary>
    public string Apply(string text) => _steps.Aggregate(text, (t, step) => step(t));

    /// <summary>Builds from the JSON element (null/absent = identity).</summary>
    /// <exception cref="NotSupportedException">A normalizer type Shear does not implement.</exception>
    public static TextNormalizer From(JsonElement? element) =>
        element is not { ValueKind: JsonValueKind.Object } e ? Identity : new TextNormalizer([.. Steps(e)]);

    private static IEnumerable<Func<string, string>> Steps(JsonElement e)
    {
        string type = e.GetProperty("type").GetString()!;
        switch (type)
        {
            case "Sequence":
                return e.GetProperty("normalizers").EnumerateArray().SelectMany(Steps).ToList();
            case "Prepend":
                var prefix = e.GetProperty("prepend").GetString()!;
                return [t => t.Length == 0 ? t : prefix + t];
            case "Replace":
                var (pattern, content) = JsonPatterns.Replace(e);
                return [t => pattern.Replace(t, _ => content)];
            case "NFC":
                return [t => t.Normalize(NormalizationForm.FormC)];
            case "NFD":
                return [t => t.Normalize(NormalizationForm.FormD)];
            case "NFKC":
                return [t => t.Normalize(NormalizationForm.FormKC)];
            case "NFKD":
                return [t => t.Normalize(NormalizationForm.FormKD)];
            case "Lowercase":
                return [t => t.ToLowerInvariant()];
            case "Strip":
                bool left = e.TryGetProperty("strip_left", out var l) && l.GetBoolean();
                bool right = e.TryGetProperty("strip_right", out var r) && r.GetBoolean();
                return [t => left && right ? t.Trim() : left ? t.TrimStart() : right ? t.TrimEnd() : t];
            default:
                throw new NotSupportedException($"tokenizer normalizer type '{type}' is not supported");
        }
    }
}
