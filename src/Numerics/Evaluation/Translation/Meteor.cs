namespace Shear.Numerics.Evaluation.Translation;

/// <summary>
/// NLTK's <c>meteor_score</c> (nltk/translate/meteor_score.py, 3.8): words lowercased, aligned in three greedy stages
/// (exact, Porter stem, WordNet synonym of the leftover stems as NLTK does; each scanning both lists from the end), then
/// <c>Fmean = P·R / (α·P + (1−α)·R)</c> and a fragmentation penalty <c>γ·(chunks/m)^β</c>; 0 without matches;
/// the best over references. Inputs are pre-tokenized. Without WordNet the synonym stage is skipped.
/// </summary>
/// <param name="wordNet">Synonyms (null: exact and stem matches only).</param>
/// <param name="alpha">Weight of recall against precision.</param>
/// <param name="beta">Shape of the fragmentation penalty.</param>
/// <param name="gamma">Weight of the fragmentation penalty.</param>
public sealed class Meteor(WordNetLexicon? wordNet, double alpha = 0.9, double beta = 3.0, double gamma = 0.5)
{
    /// <summary>Whether the synonym stage is in force.</summary>
    public bool HasSynonyms => wordNet is not null;

    /// <summary>The best score of <paramref name="hypothesis"/> over <paramref name="references"/>.</summary>
    public double Score(IEnumerable<IReadOnlyList<string>> references, IReadOnlyList<string> hypothesis)
    {
        ArgumentNullException.ThrowIfNull(references);
        return references.Select(r => Single(r, hypothesis)).DefaultIfEmpty(0).Max();
    }

    /// <summary>NLTK's <c>single_meteor_score(reference, hypothesis)</c>.</summary>
    public double Single(IReadOnlyList<string> reference, IReadOnlyList<string> hypothesis)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(hypothesis);
        var matches = Align(hypothesis, reference);
        if (matches.Count == 0 || hypothesis.Count == 0 || reference.Count == 0)
        {
            return 0;
        }

        double precision = (double)matches.Count / hypothesis.Count;
        double recall = (double)matches.Count / reference.Count;
        double fmean = precision * recall / ((alpha * precision) + ((1 - alpha) * recall));
        double fragmentation = (double)Chunks(matches) / matches.Count;
        return (1 - (gamma * Math.Pow(fragmentation, beta))) * fmean;
    }

    /// <summary>The alignment as (hypothesis index, reference index) pairs sorted by hypothesis index.</summary>
    public List<(int Hyp, int Ref)> Align(IReadOnlyList<string> hypothesis, IReadOnlyList<string> reference)
    {
        ArgumentNullException.ThrowIfNull(hypothesis);
        ArgumentNullException.ThrowIfNull(reference);
        var hyp = hypothesis.Select((w, i) => (Index: i, Word: PythonText.Lower(w))).ToList(); // NLTK: map(str.lower, ...)
        var refs = reference.Select((w, i) => (Index: i, Word: PythonText.Lower(w))).ToList();
        var matches = new List<(int Hyp, int Ref)>();
        Match(hyp, refs, matches, h => r => r == h);

        var stemmedHyp = hyp.Select(p => (p.Index, Word: PorterStemmer.Stem(p.Word))).ToList();
        var stemmedRef = refs.Select(p => (p.Index, Word: PorterStemmer.Stem(p.Word))).ToList();
        Match(stemmedHyp, stemmedRef, matches, h => r => r == h);

        if (wordNet is not null)
        {
            // As NLTK: the synonym stage sees the stage-two leftovers in their stemmed form (so "large" is looked up as "larg").
            Match(stemmedHyp, stemmedRef, matches, h => { var syn = wordNet.Synonyms(h); return r => syn.Contains(r); });
        }

        matches.Sort((a, b) => a.Hyp.CompareTo(b.Hyp));
        return matches;
    }

    /// <summary>NLTK's <c>_match_enums</c> with a predicate: for each hypothesis word from the end, the last unmatched
    /// reference word it matches; both are removed.</summary>
    private static void Match(List<(int Index, string Word)> hyp, List<(int Index, string Word)> refs, List<(int, int)> matches, Func<string, Func<string, bool>> matcher)
    {
        for (int i = hyp.Count - 1; i >= 0; i--)
        {
            var accepts = matcher(hyp[i].Word);
            for (int j = refs.Count - 1; j >= 0; j--)
            {
                if (accepts(refs[j].Word))
                {
                    matches.Add((hyp[i].Index, refs[j].Index));
                    hyp.RemoveAt(i);
                    refs.RemoveAt(j);
                    break;
                }
            }
        }
    }

    /// <summary>The fewest runs in which both indices advance by one.</summary>
    private static int Chunks(List<(int Hyp, int Ref)> matches)
    {
        int chunks = 1;
        for (int i = 0; i + 1 < matches.Count; i++)
        {
            if (matches[i + 1].Hyp != matches[i].Hyp + 1 || matches[i + 1].Ref != matches[i].Ref + 1)
            {
                chunks++;
            }
        }

        return chunks;
    }
}
