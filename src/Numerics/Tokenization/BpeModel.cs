using System.Text;

namespace Shear.Numerics.Tokenization;

/// <summary>
/// HF <c>tokenizers</c>' BPE model: a word is split into characters, adjacent pairs are merged lowest rank first
/// (leftmost among equal ranks), and the pieces are looked up; unknown pieces fall back to <c>&lt;0xXX&gt;</c>
/// byte tokens (<c>byte_fallback</c>) or the unknown token (consecutive ones fused with <c>fuse_unk</c>).
/// </summary>
public sealed class BpeModel
{
    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<(string, string), int> _ranks;
    private readonly Dictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly Lock _cacheGate = new();

    /// <summary>Creates the model.</summary>
    public BpeModel(Dictionary<string, int> vocab, IReadOnlyList<(string Left, string Right)> merges, string? unkToken, bool byteFallback, bool fuseUnk, bool ignoreMerges)
    {
        ArgumentNullException.ThrowIfNull(vocab);
        ArgumentNullException.ThrowIfNull(merges);
        _vocab = vocab;
        _ranks = new Dictionary<(string, string), int>(merges.Count);
        for (int i = 0; i < merges.Count; i++)
        {
            _ranks.TryAdd(merges[i], i);
        }

        UnkToken = unkToken;
        ByteFallback = byteFallback;
        FuseUnk = fuseUnk;
        IgnoreMerges = ignoreMerges;
    }

    /// <summary>The unknown token, or null.</summary>
    public string? UnkToken { get; }

    /// <summary>Whether unknown characters become byte tokens.</summary>
    public bool ByteFallback { get; }

    /// <summary>Whether consecutive unknowns become one.</summary>
    public bool FuseUnk { get; }

    /// <summary>Whether a word found whole in the vocabulary skips merging (Llama-3).</summary>
    public bool IgnoreMerges { get; }

    /// <summary>The vocabulary.</summary>
    public IReadOnlyDictionary<string, int> Vocab => _vocab;

    /// <summary>Token ids of one pre-tokenized word.</summary>
    public int[] Tokenize(string word)
    {
        lock (_cacheGate)
        {
            if (_cache.TryGetValue(word, out var hit))
            {
                return hit;
            }
        }

        var ids = TokenizeUncached(word);
        lock (_cacheGate)
        {
            if (_cache.Count > 100_000)
            {
                _cache.Clear();
            }

            _cache[word] = ids;
        }

        return ids;
    }

    private int[] TokenizeUncached(string word)
    {
        if (word.Length == 0)
        {
            return [];
        }

        if (IgnoreMerges && _vocab.TryGetValue(word, out var whole))
        {
            return [whole];
        }

        var symbols = new List<string>();
        for (int i = 0; i < word.Length; i += symbols[^1].Length)
        {
            // One symbol per Unicode scalar value, as Rust iterates chars.
            symbols.Add(word.Substring(i, char.IsSurrogatePair(word, i) ? 2 : 1));
        }
        Merge(symbols);
        return Lookup(symbols);
    }

    // Repeatedly merges the adjacent pair of lowest rank, the leftmost of equal ranks (HF's merge_all), over a linked list
    // with a heap of candidate pairs: O(n log n) for a word of n symbols (a whole text, for tokenizers that do not
    // pre-split it), where rescanning every pair after each merge was O(n^2) lookups of ever longer strings.
    private void Merge(List<string> symbols)
    {
        int n = symbols.Count;
        if (n < 2)
        {
            return;
        }

        var text = symbols.ToArray();
        var next = new int[n];
        var prev = new int[n];
        var version = new int[n];
        var alive = new bool[n];
        for (int i = 0; i < n; i++)
        {
            (next[i], prev[i], alive[i]) = (i + 1 < n ? i + 1 : -1, i - 1, true);
        }

        var heap = new PriorityQueue<(int Left, int Right, int VersionLeft, int VersionRight), (int Rank, int Left)>();
        void Offer(int left)
        {
            int right = left < 0 ? -1 : next[left];
            if (right >= 0 && _ranks.TryGetValue((text[left], text[right]), out int rank))
            {
                heap.Enqueue((left, right, version[left], version[right]), (rank, left));
            }
        }

        for (int i = 0; i + 1 < n; i++)
        {
            Offer(i);
        }

        while (heap.TryDequeue(out var pair, out _))
        {
            var (left, right, vl, vr) = pair;
            if (!alive[left] || !alive[right] || next[left] != right || version[left] != vl || version[right] != vr)
            {
                continue; // a pair that changed since it was offered
            }

            text[left] += text[right];
            version[left]++;
            alive[right] = false;
            next[left] = next[right];
            if (next[right] >= 0)
            {
                prev[next[right]] = left;
            }

            Offer(prev[left]);
            Offer(left);
        }

        symbols.Clear();
        for (int i = 0; i >= 0; i = next[i])
        {
            symbols.Add(text[i]);
        }
    }

    private int[] Lookup(List<string> symbols)
    {
        var ids = new List<int>(symbols.Count);
        bool lastWasUnk = false;
        foreach (var s in symbols)
        {
            if (_vocab.TryGetValue(s, out int id))
            {
                ids.Add(id);
                lastWasUnk = false;
                continue;
            }

            if (ByteFallback && TryBytes(s, ids))
            {
                lastWasUnk = false;
                continue;
            }

            if (UnkToken is null || !_vocab.TryGetValue(UnkToken, out int unk))
            {
                throw new InvalidOperationException($"BPE piece '{s}' is not in the vocabulary and the tokenizer has no unk_token");
            }

            if (!(FuseUnk && lastWasUnk))
            {
                ids.Add(unk);
            }

            lastWasUnk = true;
        }

        return [.. ids];
    }

    private bool TryBytes(string piece, List<int> ids)
    {
        var bytes = Encoding.UTF8.GetBytes(piece);
        var found = new int[bytes.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            if (!_vocab.TryGetValue($"<0x{bytes[i]:X2}>", out found[i]))
            {
                return false;
            }
        }

        ids.AddRange(found);
        return true;
    }
}
