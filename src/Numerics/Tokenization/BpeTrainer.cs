using System.Text.Json;
using Shear.Numerics.IO;

namespace Shear.Numerics.Tokenization;

/// <summary>
/// Trains a byte-level BPE tokenizer (GPT-2 split pattern, 256 byte symbols, then merges of the most frequent
/// adjacent pair; ties broken by the ordinal order of the pair) and writes it as an HF <c>tokenizer.json</c>
/// with a BOS-adding template, loadable by Shear and by Hugging Face <c>tokenizers</c>.
/// </summary>
public static class BpeTrainer
{
    /// <summary>Special tokens, in id order after the learned vocabulary.</summary>
    public static readonly string[] SpecialTokens = ["<|begin_of_text|>", "<|end_of_text|>", "<|pad|>"];

    /// <summary>Learns up to <paramref name="vocabSize"/> - 256 - specials merges from <paramref name="texts"/>.</summary>
    public static List<(string Left, string Right)> LearnMerges(IEnumerable<string> texts, int vocabSize)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var pre = PreTokenizer.From(JsonDocument.Parse("""{"type":"ByteLevel","add_prefix_space":false,"use_regex":true}""").RootElement);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            foreach (var word in pre.Split(text, true))
            {
                counts[word] = counts.GetValueOrDefault(word) + 1;
            }
        }

        var symbols = new List<string>();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        int Id(string s)
        {
            if (!ids.TryGetValue(s, out int id))
            {
                id = symbols.Count;
                symbols.Add(s);
                ids[s] = id;
            }

            return id;
        }

        var words = counts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (Seq: p.Key.Select(c => Id(c.ToString())).ToList(), Freq: p.Value)).ToList();
        var state = new PairCounts(words);
        var merges = new List<(string, string)>();
        int target = vocabSize - 256 - SpecialTokens.Length;
        while (merges.Count < target)
        {
            var best = state.Best(symbols);
            if (best is null)
            {
                break;
            }

            var (a, b) = best.Value;
            int merged = Id(symbols[a] + symbols[b]);
            merges.Add((symbols[a], symbols[b]));
            state.Merge(a, b, merged);
        }

        return merges;
    }

    /// <summary>Writes tokenizer.json and tokenizer_config.json into <paramref name="directory"/>.</summary>
    public static void Save(string directory, IReadOnlyList<(string Left, string Right)> merges)
    {
        ArgumentNullException.ThrowIfNull(merges);
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int b = 0; b < 256; b++)
        {
            vocab[ByteLevelAlphabet.CharOf((byte)b).ToString()] = b;
        }

        foreach (var (l, r) in merges)
        {
            vocab.TryAdd(l + r, vocab.Count);
        }

        var added = SpecialTokens.Select(t => new { id = vocab.Count + Array.IndexOf(SpecialTokens, t), content = t, single_word = false, lstrip = false, rstrip = false, normalized = false, special = true }).ToList();
        int bos = vocab.Count;
        foreach (var t in SpecialTokens)
        {
            vocab[t] = vocab.Count;
        }

        var byteLevel = new { type = "ByteLevel", add_prefix_space = false, trim_offsets = true, use_regex = true };
        var tokenizer = new Dictionary<string, object?>
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = added,
            ["normalizer"] = null,
            ["pre_tokenizer"] = byteLevel,
            ["post_processor"] = new
            {
                type = "TemplateProcessing",
                single = new object[] { new { SpecialToken = new { id = SpecialTokens[0], type_id = 0 } }, new { Sequence = new { id = "A", type_id = 0 } } },
                pair = new object[] { new { SpecialToken = new { id = SpecialTokens[0], type_id = 0 } }, new { Sequence = new { id = "A", type_id = 0 } }, new { Sequence = new { id = "B", type_id = 1 } } },
                special_tokens = new Dictionary<string, object> { [SpecialTokens[0]] = new { id = SpecialTokens[0], ids = new[] { bos }, tokens = new[] { SpecialTokens[0] } } },
            },
            ["decoder"] = byteLevel,
            ["model"] = new
            {
                type = "BPE", dropout = (object?)null, unk_token = (string?)null, continuing_subword_prefix = (string?)null, end_of_word_suffix = (string?)null,
                fuse_unk = false, byte_fallback = false, ignore_merges = false,
                vocab = vocab.Where(p => !SpecialTokens.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value),
                merges = merges.Select(m => new[] { m.Left, m.Right }).ToList(),
            },
        };
        Directory.CreateDirectory(directory);
        AtomicFile.WriteAllText(Path.Combine(directory, "tokenizer.json"), JsonSerializer.Serialize(tokenizer, JsonOptions.Indented));
        var config = new { bos_token = SpecialTokens[0], eos_token = SpecialTokens[1], pad_token = SpecialTokens[2], model_max_length = 1024, tokenizer_class = "PreTrainedTokenizerFast" };
        AtomicFile.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), JsonSerializer.Serialize(config, JsonOptions.Indented));
    }
}
