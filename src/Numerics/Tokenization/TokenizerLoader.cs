using System.Text.Json;

namespace Shear.Numerics.Tokenization;

/// <summary>
/// Loads a <see cref="Tokenizer"/> from <c>tokenizer.json</c>, reading BOS/EOS/PAD names and <c>add_bos_token</c>
/// from <c>tokenizer_config.json</c> (and <c>special_tokens_map.json</c>) beside it when present.
/// </summary>
public static class TokenizerLoader
{
    // Used only when no tokenizer_config.json names the EOS token.
    private static readonly string[] CommonEosNames = ["</s>", "<eos>", "<|endoftext|>", "<|end_of_text|>"];

    /// <summary>Loads from a checkpoint folder or a tokenizer.json path.</summary>
    /// <exception cref="TokenizerFormatException">Missing or malformed file, or an unsupported component (named).</exception>
    public static Tokenizer Load(string pathOrDirectory)
    {
        var path = Directory.Exists(pathOrDirectory) ? Path.Combine(pathOrDirectory, "tokenizer.json") : pathOrDirectory;
        if (!File.Exists(path))
        {
            throw new TokenizerFormatException(path, "tokenizer.json not found");
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
            return new Tokenizer(Parts(doc.RootElement, SpecialTokenNames.Read(dir)));
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new TokenizerFormatException(path, e.Message);
        }
    }

    private static TokenizerParts Parts(JsonElement root, SpecialTokenNames names)
    {
        var model = root.GetProperty("model");
        var type = model.TryGetProperty("type", out var t) ? t.GetString() : "BPE";
        if (type != "BPE")
        {
            throw new NotSupportedException($"tokenizer model type '{type}' is not supported (Shear reads BPE)");
        }

        var added = root.TryGetProperty("added_tokens", out var a) && a.ValueKind == JsonValueKind.Array
            ? a.EnumerateArray().Select(x => new AddedToken(
                x.GetProperty("id").GetInt32(), x.GetProperty("content").GetString()!, Bool(x, "special"), Bool(x, "lstrip"), Bool(x, "rstrip"))).ToList()
            : [];
        var bpe = Bpe(model);
        var template = SpecialTokenTemplate.From(Optional(root, "post_processor"));
        int? Id(string? name) => name is null ? null : added.FirstOrDefault(x => x.Content == name)?.Id ?? (bpe.Vocab.TryGetValue(name, out var id) ? id : null);
        int? bos = Id(names.Bos) ?? (template?.Prefix.Length > 0 ? template.Prefix[0] : null);
        int? eos = Id(names.Eos) ?? CommonEosNames.Select(Id).FirstOrDefault(id => id is not null);
        template ??= new SpecialTokenTemplate(names.AddBos && bos is { } b ? [b] : [], names.AddEos && eos is { } e ? [e] : []);
        return new TokenizerParts(added, TextNormalizer.From(Optional(root, "normalizer")), PreTokenizer.From(Optional(root, "pre_tokenizer")),
            bpe, TokenDecoder.From(Optional(root, "decoder")), template, bos, eos, Id(names.Pad));
    }

    private static BpeModel Bpe(JsonElement model)
    {
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in model.GetProperty("vocab").EnumerateObject())
        {
            vocab[p.Name] = p.Value.GetInt32();
        }

        var merges = new List<(string, string)>();
        foreach (var m in model.GetProperty("merges").EnumerateArray())
        {
            if (m.ValueKind == JsonValueKind.Array)
            {
                merges.Add((m[0].GetString()!, m[1].GetString()!));
                continue;
            }

            var text = m.GetString()!;
            int space = text.IndexOf(' ', 1);
            if (space < 0)
            {
                throw new FormatException($"merge '{text}' has no space between its two parts");
            }

            merges.Add((text[..space], text[(space + 1)..]));
        }

        string? unk = model.TryGetProperty("unk_token", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
        foreach (var unsupported in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
        {
            if (model.TryGetProperty(unsupported, out var v) && v.ValueKind == JsonValueKind.String && v.GetString()!.Length > 0)
            {
                throw new NotSupportedException($"BPE {unsupported} '{v.GetString()}' is not supported");
            }
        }

        return new BpeModel(vocab, merges, unk, Bool(model, "byte_fallback"), Bool(model, "fuse_unk"), Bool(model, "ignore_merges"));
    }

    private static JsonElement? Optional(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    private static bool Bool(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
}
