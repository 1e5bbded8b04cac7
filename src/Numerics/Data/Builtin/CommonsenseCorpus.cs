namespace Shear.Numerics.Data.Builtin;

/// <summary>
/// Four-way multiple-choice questions generated from WordNet nouns (kind-of from hypernyms, part-of from part
/// holonyms, meaning from glosses), as openbookqa records; and gloss sentences as general (c4-like) text.
/// </summary>
public static class CommonsenseCorpus
{
    private static readonly string[] Labels = ["A", "B", "C", "D"];

    /// <summary><paramref name="count"/> questions, drawn with CPython's random seeded by <paramref name="seed"/>.</summary>
    public static List<object> Questions(IReadOnlyDictionary<long, Synset> nouns, int count, long seed)
    {
        var rng = new PythonRandom(seed);
        var pool = nouns.Values.Where(s => s.Words[0].Length >= 3 && !s.Words[0].Any(char.IsUpper) && !s.Words[0].Any(char.IsDigit))
            .OrderBy(s => s.Offset).ToList();
        var result = new List<object>(count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int attempts = 0; result.Count < count && attempts < count * 20; attempts++)
        {
            var s = pool[(int)rng.RandInt(0, pool.Count - 1)];
            var q = rng.RandInt(0, 2) switch
            {
                0 => KindOf(s, nouns),
                1 => PartOf(s, nouns),
                _ => (Stem: $"Which word means \"{s.Gloss}\"?", Answer: s.Words[0]),
            };
            if (q.Stem is null || !seen.Add(q.Stem))
            {
                continue;
            }

            var options = new List<string> { q.Answer };
            for (int draw = 0; options.Count < 4 && draw < 100; draw++)
            {
                var d = pool[(int)rng.RandInt(0, pool.Count - 1)].Words[0];
                if (!options.Contains(d) && !s.Words.Contains(d))
                {
                    options.Add(d);
                }
            }

            if (options.Count < 4)
            {
                continue; // too few distinct nouns for three distractors
            }

            int answerAt = (int)rng.RandInt(0, 3);
            (options[0], options[answerAt]) = (options[answerAt], options[0]);
            result.Add(new
            {
                id = $"wn-{s.Offset}-{result.Count}",
                question_stem = q.Stem,
                choices = new { text = options, label = Labels },
                answerKey = Labels[answerAt],
            });
        }

        return result;
    }

    private static (string? Stem, string Answer) KindOf(Synset s, IReadOnlyDictionary<long, Synset> nouns) =>
        s.Hypernyms.Count > 0 && nouns.TryGetValue(s.Hypernyms[0], out var h)
            ? ($"Which of these is a kind of {h.Words[0]}?", s.Words[0])
            : (null, "");

    private static (string? Stem, string Answer) PartOf(Synset s, IReadOnlyDictionary<long, Synset> nouns) =>
        s.PartOf.Count > 0 && nouns.TryGetValue(s.PartOf[0], out var whole)
            ? ($"Which of these is a part of a {whole.Words[0]}?", s.Words[0])
            : (null, "");

    /// <summary>c4-like documents of <paramref name="perDocument"/> definition sentences each.</summary>
    public static List<object> GlossDocuments(IReadOnlyDictionary<long, Synset> nouns, int documents, int perDocument, long seed)
    {
        var rng = new PythonRandom(seed);
        var pool = nouns.Values.Where(s => s.Gloss.Length > 20).OrderBy(s => s.Offset).ToList();
        var result = new List<object>(documents);
        for (int d = 0; d < documents; d++)
        {
            var sentences = Enumerable.Range(0, perDocument).Select(_ =>
            {
                var s = pool[(int)rng.RandInt(0, pool.Count - 1)];
                var article = "aeiou".Contains(s.Words[0][0], StringComparison.Ordinal) ? "An" : "A";
                return $"{article} {s.Words[0]} is {s.Gloss}.";
            });
            result.Add(new { text = string.Join(" ", sentences), timestamp = "2026-11-28T00:00:00Z", url = $"shear://builtin/wordnet/{d}" });
        }

        return result;
    }
}
