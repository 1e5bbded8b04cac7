using System.Text;
using Shear.Numerics.Tokenization;

namespace Shear.Numerics.Data;

/// <summary>How calibration samples are cut from documents.</summary>
public enum SamplingMode
{
    /// <summary>Wanda's c4 rule: random documents longer than seqlen, a random window of exactly seqlen tokens.</summary>
    Windows,

    /// <summary>The thesis's rule: min(nsamples, docs) random whole documents (with replacement), capped at seqlen.</summary>
    Examples,
}

/// <summary>
/// Draws calibration samples as the references do, with CPython's <c>random</c> seeded by <c>seed</c>
/// (ANCHORS §1.3 and §2.3), so the same documents, seed and tokenizer give the same samples.
/// </summary>
public static class CalibrationSampler
{
    /// <summary>Tokenized samples (BOS included as the tokenizer adds it).</summary>
    /// <exception cref="ArgumentOutOfRangeException">nsamples or seqlen not positive.</exception>
    /// <exception cref="DataFormatException">Windows mode and even all documents together are not longer than seqlen tokens.</exception>
    public static List<int[]> Draw(IReadOnlyList<string> documents, Tokenizer tokenizer, SamplingMode mode, int nsamples, int seqlen, long seed, string source, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nsamples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seqlen);
        var rng = new PythonRandom(seed);
        return mode == SamplingMode.Windows
            ? Windows(documents, tokenizer, nsamples, seqlen, rng, source, warn)
            : Examples(documents.Cast<string?>().ToList(), tokenizer, nsamples, seqlen, rng, null, source);
    }

    /// <summary>Windows when some document can exceed seqlen tokens, else whole examples.</summary>
    public static SamplingMode Auto(IReadOnlyList<string> documents, int seqlen) =>
        documents.Any(d => MayExceed(d, seqlen)) ? SamplingMode.Windows : SamplingMode.Examples;

    // A BPE token covers at least one UTF-8 byte; +2 allows BOS and a prepended word marker.
    private static bool MayExceed(string doc, int seqlen) => Encoding.UTF8.GetByteCount(doc) + 2 > seqlen;

    private static List<int[]> Windows(IReadOnlyList<string> docs, Tokenizer tokenizer, int nsamples, int seqlen, PythonRandom rng, string source, Action<string>? warn)
    {
        // Tokenize the documents that might be long enough, in order, until one is (c4: the first; a corpus of short
        // documents: each candidate once; the tokens are kept for the draws).
        var cache = new Dictionary<long, int[]>();
        bool anyLonger = false;
        for (int d = 0; d < docs.Count && !anyLonger; d++)
        {
            if (MayExceed(docs[d], seqlen))
            {
                cache[d] = tokenizer.Encode(docs[d]);
                anyLonger = cache[d].Length > seqlen;
            }
        }

        if (!anyLonger)
        {
            // Every document is shorter than a window: cut the windows from all of them joined by blank lines, as
            // Wanda's wikitext2 loader does ("\n\n".join(texts)), rather than refusing the defaults.
            var joined = string.Join("\n\n", docs);
            if (!MayExceed(joined, seqlen))
            {
                throw new DataFormatException(source, $"all documents together are shorter than seqlen {seqlen} tokens, so no window can be cut (lower --seqlen)");
            }

            warn?.Invoke($"{source}: no document is longer than seqlen {seqlen} tokens; windows are cut from the documents joined by blank lines (as Wanda's wikitext2)");
            docs = [joined];
            cache.Clear();
        }

        var samples = new List<int[]>(nsamples);
        for (int s = 0; s < nsamples; s++)
        {
            int[] ids;
            int attempts = 0;
            do
            {
                if (++attempts > 10_000)
                {
                    throw new DataFormatException(source, $"found no document longer than seqlen {seqlen} tokens in 10000 random draws");
                }

                long i = rng.RandInt(0, docs.Count - 1);
                if (!cache.TryGetValue(i, out ids!))
                {
                    ids = tokenizer.Encode(docs[(int)i]);
                    cache[i] = ids;
                }
            }
            while (ids.Length <= seqlen);

            long start = rng.RandInt(0, ids.Length - seqlen - 1);
            samples.Add(ids[(int)start..((int)start + seqlen)]);
        }

        return samples;
    }

    /// <summary>
    /// Windows of one token stream, as Wanda's wikitext2 loader and the self-generated loader of arXiv 2410.17711
    /// (<c>get_selfgen</c>) cut them: <c>random.seed(seed)</c>, then per sample <c>i = randint(0, len - seqlen - 1)</c>
    /// and the tokens <c>[i, i + seqlen)</c>.
    /// </summary>
    /// <exception cref="DataFormatException">The stream is not longer than seqlen tokens.</exception>
    public static List<int[]> Stream(int[] tokens, int nsamples, int seqlen, long seed, string source)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nsamples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seqlen);
        if (tokens.Length <= seqlen)
        {
            throw new DataFormatException(source, $"{tokens.Length} tokens, not more than seqlen {seqlen}, so no window can be cut (lower --seqlen)");
        }

        var rng = new PythonRandom(seed);
        var samples = new List<int[]>(nsamples);
        for (int s = 0; s < nsamples; s++)
        {
            int start = (int)rng.RandInt(0, tokens.Length - seqlen - 1);
            samples.Add(tokens[start..(start + seqlen)]);
        }

        return samples;
    }

    /// <summary>
    /// The thesis's rule: <c>min(nsamples, rows)</c> draws of <c>i = randint(0, rows - 1)</c> with replacement; a row
    /// whose text is null, or whose tokens <paramref name="reject"/> refuses, is redrawn (each redraw consumes a draw as
    /// in the reference). Samples are capped at <paramref name="seqlen"/> tokens.
    /// </summary>
    public static List<int[]> Examples(IReadOnlyList<string?> rows, Tokenizer tokenizer, int nsamples, int seqlen, PythonRandom rng, Func<int[], bool>? reject, string source)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(rng);
        if (!rows.Any(r => r is not null))
        {
            throw new DataFormatException(source, "no usable rows");
        }

        int count = Math.Min(nsamples, rows.Count);
        var samples = new List<int[]>(count);
        for (int s = 0; s < count; s++)
        {
            for (int attempt = 0; ; attempt++)
            {
                if (attempt > 100_000)
                {
                    throw new DataFormatException(source, "100000 draws found no usable row");
                }

                var text = rows[(int)rng.RandInt(0, rows.Count - 1)];
                if (text is null)
                {
                    continue;
                }

                var ids = tokenizer.Encode(text);
                if (reject?.Invoke(ids) == true)
                {
                    continue;
                }

                samples.Add(ids.Length > seqlen ? ids[..seqlen] : ids);
                break;
            }
        }

        return samples;
    }
}
