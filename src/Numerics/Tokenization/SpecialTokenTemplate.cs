using System.Text.Json;

namespace Shear.Numerics.Tokenization;

/// <summary>The ids a post-processor puts around a single sequence (BOS before, EOS after) when special tokens are added.</summary>
/// <param name="Prefix">Ids before the text.</param>
/// <param name="Suffix">Ids after the text.</param>
public sealed record SpecialTokenTemplate(int[] Prefix, int[] Suffix)
{
    /// <summary>No special tokens.</summary>
    public static SpecialTokenTemplate None { get; } = new([], []);

    /// <summary>Reads a <c>post_processor</c> (TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel, Sequence); null when absent.</summary>
    /// <exception cref="NotSupportedException">A post-processor type Shear does not implement.</exception>
    public static SpecialTokenTemplate? From(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.Object } e)
        {
            return null;
        }

        string type = e.GetProperty("type").GetString()!;
        switch (type)
        {
            case "Sequence":
                var parts = e.GetProperty("processors").EnumerateArray().Select(p => From(p)).OfType<SpecialTokenTemplate>().ToList();
                return new SpecialTokenTemplate([.. parts.SelectMany(p => p.Prefix)], [.. parts.SelectMany(p => p.Suffix)]);
            case "ByteLevel":
                return None;
            case "TemplateProcessing":
                return Template(e);
            case "BertProcessing" or "RobertaProcessing":
                return new SpecialTokenTemplate([e.GetProperty("cls")[1].GetInt32()], [e.GetProperty("sep")[1].GetInt32()]);
            default:
                throw new NotSupportedException($"tokenizer post_processor type '{type}' is not supported");
        }
    }

    private static SpecialTokenTemplate Template(JsonElement e)
    {
        var specials = e.GetProperty("special_tokens");
        var prefix = new List<int>();
        var suffix = new List<int>();
        bool seenSequence = false;
        foreach (var item in e.GetProperty("single").EnumerateArray())
        {
            if (item.TryGetProperty("Sequence", out _))
            {
                seenSequence = true;
                continue;
            }

            var name = item.GetProperty("SpecialToken").GetProperty("id").GetString()!;
            var ids = specials.GetProperty(name).GetProperty("ids").EnumerateArray().Select(x => x.GetInt32());
            (seenSequence ? suffix : prefix).AddRange(ids);
        }

        return new SpecialTokenTemplate([.. prefix], [.. suffix]);
    }
}
