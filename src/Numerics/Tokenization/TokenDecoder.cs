using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Shear.Numerics.Tokenization;

/// <summary>
/// The <c>decoder</c> of a tokenizer.json: ByteLevel, Sequence, Replace, ByteFallback, Fuse, Strip, Metaspace.
/// Each step maps the list of token strings to a new list, as HF's <c>decode_chain</c> does.
/// </summary>
public sealed class TokenDecoder
{
    private readonly Func<List<string>, List<string>>[] _steps;

    private TokenDecoder(Func<List<string>, List<string>>[] steps) => _steps = steps;

    /// <summary>Turns token strings into text.</summary>
    public string Decode(IEnumerable<string> tokens) => string.Concat(_steps.Aggregate(tokens.ToList(), (t, step) => step(t)));

    /// <summary>Builds from the JSON element (null/absent = concatenate tokens).</summary>
    /// <exception cref="NotSupportedException">A decoder type Shear does not implement.</exception>
    public static TokenDecoder From(JsonElement? element) =>
        element is not { ValueKind: JsonValueKind.Object } e ? new TokenDecoder([]) : new TokenDecoder([.. Steps(e)]);

    private static IEnumerable<Func<List<string>, List<string>>> Steps(JsonElement e)
    {
        string type = e.GetProperty("type").GetString()!;
        return type switch
        {
            "Sequence" => e.GetProperty("decoders").EnumerateArray().SelectMany(Steps).ToList(),
            "ByteLevel" => [ByteLevel],
            "Replace" => [Replace(JsonPatterns.Replace(e))],
            "ByteFallback" => [ByteFallback],
            "Fuse" => [t => [string.Concat(t)]],
            "Strip" => [Strip(e.GetProperty("content").GetString()![0], e.GetProperty("start").GetInt32(), e.GetProperty("stop").GetInt32())],
            "Metaspace" => [Metaspace(e)],
            _ => throw new NotSupportedException($"tokenizer decoder type '{type}' is not supported"),
        };
    }

    private static List<string> ByteLevel(List<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (var t in tokens)
        {
            ByteLevelAlphabet.Decode(t, bytes);
        }

        return [Encoding.UTF8.GetString(bytes.ToArray())];
    }

    private static Func<List<string>, List<string>> Replace((Regex Pattern, string Content) r) =>
        tokens => tokens.Select(t => r.Pattern.Replace(t, _ => r.Content)).ToList();

    private static List<string> ByteFallback(List<string> tokens)
    {
        var result = new List<string>();
        var pending = new List<byte>();
        foreach (var t in tokens)
        {
            if (t.Length == 6 && t.StartsWith("<0x", StringComparison.Ordinal) && t[5] == '>' &&
                byte.TryParse(t.AsSpan(3, 2), System.Globalization.NumberStyles.HexNumber, null, out var b))
            {
                pending.Add(b);
                continue;
            }

            Flush(pending, result);
            result.Add(t);
        }

        Flush(pending, result);
        return result;
    }

    private static void Flush(List<byte> pending, List<string> result)
    {
        if (pending.Count == 0)
        {
            return;
        }

        // Valid UTF-8 becomes its text; otherwise every byte becomes U+FFFD (HF's ByteFallback).
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        try
        {
            result.Add(strict.GetString(pending.ToArray()));
        }
        catch (DecoderFallbackException)
        {
            result.AddRange(Enumerable.Repeat("\uFFFD", pending.Count));
        }

        pending.Clear();
    }

    private static Func<List<string>, List<string>> Strip(char content, int start, int stop) => tokens => tokens.Select(t =>
    {
        int s = 0;
        while (s < start && s < t.Length && t[s] == content)
        {
            s++;
        }

        int e = t.Length, cut = 0;
        while (cut < stop && e > s && t[e - 1] == content)
        {
            e--;
            cut++;
        }

        return t[s..e];
    }).ToList();

    private static Func<List<string>, List<string>> Metaspace(JsonElement e)
    {
        string replacement = e.TryGetProperty("replacement", out var r) ? r.GetString()! : "▁";
        string scheme = e.TryGetProperty("prepend_scheme", out var s) ? s.GetString()! : "always";
        return tokens => tokens.Select((t, i) =>
        {
            var text = t.Replace(replacement, " ", StringComparison.Ordinal);
            return i == 0 && scheme != "never" && text.StartsWith(' ') ? text[1..] : text;
        }).ToList();
    }
}
