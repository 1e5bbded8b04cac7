using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Shear.Numerics.Tokenization;

/// <summary>
/// Runs a pre-tokenizer's regex over code points, as HF's (Rust) tokenizers do, although .NET's regex sees UTF-16 units:
/// each character outside the Basic Multilingual Plane (a surrogate pair) is matched as one stand-in BMP character of
/// its own Unicode category, so <c>\p{L}</c>, <c>\p{N}</c>, <c>\s</c> and negated classes treat it as one character
/// of that kind (<c>[^\r\n\p{L}\p{N}]?\p{L}+</c> takes "🗕ん" as one piece, as HF does, not a lone surrogate); the
/// matches come back as ranges of the original text.
/// </summary>
internal static class CodePointMatcher
{
    // One stand-in per category: the first character from U+A000 on (then from U+0100) of that category; none of them
    // is ASCII or equal to an ASCII letter ignoring case, so the patterns' literal parts never match them.
    private static readonly Dictionary<UnicodeCategory, char> StandIns = BuildStandIns();

    /// <summary>The matches of <paramref name="pattern"/> in <paramref name="text"/>, as (index, length) in <paramref name="text"/>.</summary>
    public static IEnumerable<(int Index, int Length)> Matches(Regex pattern, string text)
    {
        if (!text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            foreach (Match m in pattern.Matches(text))
            {
                yield return (m.Index, m.Length);
            }

            yield break;
        }

        var (mapped, offsets) = Map(text);
        foreach (Match m in pattern.Matches(mapped))
        {
            int start = offsets[m.Index], end = offsets[m.Index + m.Length];
            yield return (start, end - start);
        }
    }

    // The text with each surrogate pair replaced by its stand-in, and for each index of it (and its end) the index in the text.
    private static (string Mapped, int[] Offsets) Map(string text)
    {
        var mapped = new StringBuilder(text.Length);
        var offsets = new List<int>(text.Length + 1);
        for (int i = 0; i < text.Length; i++)
        {
            offsets.Add(i);
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                var category = CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(text[i], text[i + 1]));
                mapped.Append(StandIns.TryGetValue(category, out var c) ? c : StandIns[UnicodeCategory.OtherNotAssigned]);
                i++;
            }
            else
            {
                mapped.Append(text[i]); // a lone surrogate stays itself, as in the text
            }
        }

        offsets.Add(text.Length);
        return (mapped.ToString(), [.. offsets]);
    }

    private static Dictionary<UnicodeCategory, char> BuildStandIns()
    {
        var standIns = new Dictionary<UnicodeCategory, char>();
        foreach (var (from, to) in new[] { (0xA000, 0xD7FF), (0xE000, 0xFFFD), (0x0100, 0x9FFF) })
        {
            for (int code = from; code <= to; code++)
            {
                char c = (char)code;
                var category = CharUnicodeInfo.GetUnicodeCategory(c);
                if (category is not (UnicodeCategory.Surrogate or UnicodeCategory.Control or UnicodeCategory.SpaceSeparator
                        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
                    && char.ToUpperInvariant(c) > 0x7F && char.ToLowerInvariant(c) > 0x7F)
                {
                    standIns.TryAdd(category, c);
                }
            }
        }

        return standIns;
    }
}
