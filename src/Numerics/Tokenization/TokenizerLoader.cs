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

    /// <summary>
    /// Loads the tokenizer of a model folder and checks it fits the model: every token id it can produce is below the
    /// config's <c>vocab_size</c> (else the embedding lookup would fail mid-run).
    /// </summary>
    /// <exception cref="TokenizerFormatException">As <see cref="Load"/>, or ids beyond the model's vocabulary.</exception>
    public static Tokenizer LoadFor(string modelDirectory, Models.ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var tokenizer = Load(modelDirectory);
        if (tokenizer.VocabSize > config.VocabSize)
        {
            throw new TokenizerFormatException(Path.Combine(modelDirectory, "tokenizer.json"),
                $"token id {tokenizer.VocabSize - 1} is not below the model's vocab_size {config.VocabSize} (config.json)");
        }

        return tokenizer;
    }

    private static TokenizerParts Parts(JsonElement root, SpecialTokenNames names)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("no 'model' object");
        }

        var type = model.TryGetProperty("type", out var t) ? t.ValueKind == JsonValueKind.String ? t.GetString() : t.ToString() : "BPE";
        if (type != "BPE")
        {
            throw new NotSupportedException($"tokenizer model type '{type}' is not supported (Shear reads BPE)");
        }

        var added = new List<AddedToken>();
        if (root.TryGetProperty("added_tokens", out var a) && a.ValueKind != JsonValueKind.Null)
        {
            if (a.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException($"added_tokens: expected a list, got {a.ValueKind}");
            }

            int i = 0;
            foreach (var x in a.EnumerateArray())
            {
                var where = $"added_tokens[{i++}]";
                if (x.ValueKind != JsonValueKind.Object || !x.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.Number || !id.TryGetInt32(out int n) || n < 0
                    || !x.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
                {
                    throw new FormatException($"{where}: needs an 'id' (a non-negative integer) and a 'content' string");
                }

                added.Add(new AddedToken(n, content.GetString()!, Bool(x, "special"), Bool(x, "lstrip"), Bool(x, "rstrip")));
            }
        }

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
        if (!model.TryGetProperty("vocab", out var vocabNode) || vocabNode.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("model.vocab: expected an object of token: id");
        }

        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in vocabNode.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt32(out int id) || id < 0)
            {
                throw new FormatException($"model.vocab: token '{p.Name}' has id {p.Value.GetRawText()}, not a non-negative integer");
            }

            vocab[p.Name] = id;
        }

        if (!model.TryGetProperty("merges", out var mergesNode) || mergesNode.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("model.merges: expected a list of merges");
        }

        var merges = new List<(string, string)>();
        int index = 0;
        foreach (var m in mergesNode.EnumerateArray())
        {
            var where = $"model.merges[{index++}]";
            if (m.ValueKind == JsonValueKind.Array)
            {
                if (m.GetArrayLength() != 2 || m[0].ValueKind != JsonValueKind.String || m[1].ValueKind != JsonValueKind.String)
                {
                    throw new FormatException($"{where}: a merge is two strings, got {m.GetRawText()}");
                }

                merges.Add((m[0].GetString()!, m[1].GetString()!));
                continue;
            }

            if (m.ValueKind != JsonValueKind.String)
            {
                throw new FormatException($"{where}: a merge is 'left right' or [left, right], got {m.GetRawText()}");
            }

            var text = m.GetString()!;
            int space = text.Length > 1 ? text.IndexOf(' ', 1) : -1;
            if (space < 0)
            {
                throw new FormatException($"{where}: merge '{text}' has no space between its two parts");
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
