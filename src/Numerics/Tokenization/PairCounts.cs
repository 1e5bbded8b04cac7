namespace Shear.Numerics.Tokenization;

/// <summary>Adjacent-pair frequencies over a word list, updated incrementally as pairs are merged (BPE training).</summary>
internal sealed class PairCounts
{
    private readonly List<(List<int> Seq, long Freq)> _words;
    private readonly Dictionary<(int, int), long> _counts = [];
    private readonly Dictionary<(int, int), HashSet<int>> _where = [];

    public PairCounts(List<(List<int> Seq, long Freq)> words)
    {
        _words = words;
        for (int w = 0; w < words.Count; w++)
        {
            Add(w, +1);
        }
    }

    /// <summary>The most frequent pair (count at least 2); ties go to the ordinally smallest (left, right) strings.</summary>
    public (int, int)? Best(List<string> symbols)
    {
        (int, int)? best = null;
        long bestCount = 1;
        foreach (var (pair, count) in _counts)
        {
            if (count > bestCount || (count == bestCount && best is not null && Less(pair, best.Value, symbols)))
            {
                (best, bestCount) = (pair, count);
            }
        }

        return best;
    }

    private static bool Less((int, int) a, (int, int) b, List<string> s)
    {
        int c = string.CompareOrdinal(s[a.Item1], s[b.Item1]);
        return c < 0 || (c == 0 && string.CompareOrdinal(s[a.Item2], s[b.Item2]) < 0);
    }

    /// <summary>Replaces every (a, b) by <paramref name="merged"/> in the words that contain it.</summary>
    public void Merge(int a, int b, int merged)
    {
        if (!_where.TryGetValue((a, b), out var words))
        {
            return;
        }

        foreach (int w in words.ToList())
        {
            Add(w, -1);
            var seq = _words[w].Seq;
            var next = new List<int>(seq.Count);
            for (int i = 0; i < seq.Count; i++)
            {
                if (i + 1 < seq.Count && seq[i] == a && seq[i + 1] == b)
                {
                    next.Add(merged);
                    i++;
                }
                else
                {
                    next.Add(seq[i]);
                }
            }

            _words[w] = (next, _words[w].Freq);
            Add(w, +1);
        }
    }

    private void Add(int w, int sign)
    {
        var (seq, freq) = _words[w];
        for (int i = 0; i + 1 < seq.Count; i++)
        {
            var pair = (seq[i], seq[i + 1]);
            long count = _counts.GetValueOrDefault(pair) + (sign * freq);
            if (count <= 0)
            {
                _counts.Remove(pair);
                _where.Remove(pair);
                continue;
            }

            _counts[pair] = count;
            if (sign > 0)
            {
                if (!_where.TryGetValue(pair, out var set))
                {
                    set = [];
                    _where[pair] = set;
                }

                set.Add(w);
            }
        }
    }
}
