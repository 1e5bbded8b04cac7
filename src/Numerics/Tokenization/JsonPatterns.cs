using System.Text.Json;
using System.Text.RegularExpressions;

namespace Shear.Numerics.Tokenization;

/// <summary>Reads tokenizer.json <c>pattern</c> objects (<c>{"String": s}</c> or <c>{"Regex": r}</c>).</summary>
internal static class JsonPatterns
{
    public static Regex Pattern(JsonElement pattern)
    {
        if (pattern.TryGetProperty("Regex", out var regex))
        {
            return new Regex(regex.GetString()!, RegexOptions.Compiled | RegexOptions.CultureInvariant);
        }

        if (pattern.TryGetProperty("String", out var literal))
        {
            return new Regex(Regex.Escape(literal.GetString()!), RegexOptions.CultureInvariant);
        }

        throw new NotSupportedException($"tokenizer pattern {pattern.GetRawText()} is neither String nor Regex");
    }

    public static (Regex Pattern, string Content) Replace(JsonElement e) =>
        (Pattern(e.GetProperty("pattern")), e.GetProperty("content").GetString()!);
}
