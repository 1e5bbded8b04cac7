using System.Text.Json;
using System.Text.RegularExpressions;

namespace Shear.Numerics.Tokenization;

/// <summary>
/// The <c>pre_tokenizer</c> of a tokenizer.json: Sequence, ByteLevel, Split, Metaspace, Digits, Whitespace,
/// WhitespaceSplit. Splits normalized text into the words that BPE sees.
/// </summary>
public sealed class PreTokenizer
{
    /// <summary>GPT-2's split pattern, used by ByteLevel with <c>use_regex</c>.</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private static readonly Regex Gpt2 = new(Gpt2Pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);
    private readonly Func<string, bool, IEnumerable<string>>[] _steps;

    private PreTokenizer(Func<string, bool, IEnumerable<string>>[] steps) => _steps = steps;

    /// <summary>Whether a ByteLevel step maps bytes to GPT-2's alphabet (so the decoder must map them back).</summary>
    public bool IsByteLevel { get; private init; }

    /// <summary>Splits one normalized segment; <paramref name="isFirst"/> is true for the first segment of the input.</summary>
    public IReadOnlyList<string> Split(string text, bool isFirst)
    {
        IEnumerable<string> pieces = [text];
        foreach (var step in _steps)
        {
            pieces = pieces.SelectMany((p, i) => step(p, isFirst && i == 0)).ToList();
        }

        return pieces.Where(p => p.Length > 0).ToList();
    }

    /// <summary>Builds from the JSON element (null/absent = the whole segment is one word).</summary>
    /// <exception cref="NotSupportedException">A pre-tokenizer type or behaviour Shear does not implement.</exception>
    public static PreTokenizer From(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.Object } e)
        {
            return new PreTokenizer([]);
        }

        var steps = new List<Func<string, bool, IEnumerable<string>>>();
        bool byteLevel = false;
        Collect(e, steps, ref byteLevel);
        return new PreTokenizer([.. steps]) { IsByteLevel = byteLevel };
    }

    private static void Collect(JsonElement e, List<Func<string, bool, IEnumerable<string>>> steps, ref bool byteLevel)
    {
        string type = e.GetProperty("type").GetString()!;
        switch (type)
        {
            case "Sequence":
                foreach (var child in e.GetProperty("pretokenizers").EnumerateArray())
                {
                    Collect(child, steps, ref byteLevel);
                }

                break;
            case "ByteLevel":
                byteLevel = true;
                steps.Add(ByteLevel(Flag(e, "add_prefix_space", true), Flag(e, "use_regex", true)));
                break;
            case "Split":
                if (Flag(e, "invert", false))
                {
                    throw new NotSupportedException("tokenizer Split pre-tokenizer with invert=true is not supported");
                }

                var regex = JsonPatterns.Pattern(e.GetProperty("pattern"));
                var behavior = e.GetProperty("behavior").GetString()!;
                steps.Add((t, _) => RegexSplitter.Split(t, regex, behavior));
                break;
            case "Metaspace":
                steps.Add(Metaspace(e));
                break;
            case "Digits":
                var digits = new Regex(Flag(e, "individual_digits", false) ? @"\p{Nd}" : @"\p{Nd}+", RegexOptions.Compiled);
                steps.Add((t, _) => RegexSplitter.Split(t, digits, "Isolated"));
                break;
            case "Whitespace":
                var words = new Regex(@"\w+|[^\w\s]+", RegexOptions.Compiled);
                steps.Add((t, _) => CodePointMatcher.Matches(words, t).Select(m => t.Substring(m.Index, m.Length)));
                break;
            case "WhitespaceSplit":
                steps.Add((t, _) => t.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                break;
            default:
                throw new NotSupportedException($"tokenizer pre_tokenizer type '{type}' is not supported");
        }
    }

    private static Func<string, bool, IEnumerable<string>> ByteLevel(bool addPrefixSpace, bool useRegex) => (t, _) =>
    {
        if (addPrefixSpace && !t.StartsWith(' '))
        {
            t = " " + t;
        }

        IEnumerable<string> parts = useRegex ? RegexSplitter.Split(t, Gpt2, "Isolated") : [t]; // HF: split Isolated, over code points
        return parts.Select(ByteLevelAlphabet.Encode);
    };

    private static Func<string, bool, IEnumerable<string>> Metaspace(JsonElement e)
    {
        string replacement = e.TryGetProperty("replacement", out var r) ? r.GetString()! : "▁";
        string scheme = e.TryGetProperty("prepend_scheme", out var s) ? s.GetString()! : Flag(e, "add_prefix_space", true) ? "always" : "never";
        bool split = Flag(e, "split", true);
        var splitter = new Regex(Regex.Escape(replacement), RegexOptions.CultureInvariant);
        return (t, first) =>
        {
            t = t.Replace(" ", replacement, StringComparison.Ordinal);
            if ((scheme == "always" || (scheme == "first" && first)) && !t.StartsWith(replacement, StringComparison.Ordinal))
            {
                t = replacement + t;
            }

            return split ? RegexSplitter.Split(t, splitter, "MergedWithNext") : [t];
        };
    }

    private static bool Flag(JsonElement e, string name, bool fallback) =>
        e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;
}
