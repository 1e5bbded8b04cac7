using Shear.Numerics.Experiment;
using Shear.Numerics.Generation;
using Shear.Numerics.Models;
using Shear.Numerics.Tokenization;
using static TorchSharp.torch;

namespace Shear.Numerics.Data.Generated;

/// <summary>
/// Self-generated calibration text (arXiv 2410.17711, "self-generating then sampling"): prefixes of
/// <see cref="SelfGenerationSettings.PrefixTokens"/> tokens after BOS, from documents of the source drawn with CPython's
/// <c>random.seed(seed)</c> (<c>randint</c> over the documents, with replacement), are continued by the dense model with
/// the paper's sampling settings, up to seqlen tokens in all (a text can fill a sample; the authors generate up to 2048
/// new tokens), row j of the run seeded with seed + j; every text's perplexity under the dense model is measured, and the
/// texts below the 80th percentile are kept (<see cref="GeneratedCorpus.Filter"/>).
/// How many: the first round continues <see cref="SelfGenerationSettings.FirstRound"/> = ceil(nsamples / 0.8) + 4
/// prefixes; while the kept texts joined by spaces (what the samples are cut from) hold fewer than nsamples x seqlen + 1
/// tokens, another batch is continued and the filter is applied again over all texts, up to 4 first rounds in all.
/// The same model, dtype, source, counts and seed give the same texts.
/// </summary>
public static class SelfGeneratedCalibration
{
    /// <summary>What a generation run needs besides the model: how many samples of how many tokens, the seed, the rows per batch.</summary>
    /// <param name="NSamples">Samples the kept text must cover.</param>
    /// <param name="SeqLen">Tokens per sample; a text has at most this many.</param>
    /// <param name="Seed">Seed of the prefix draw and of the sampling.</param>
    /// <param name="TokenBudget">Tokens per batch: rows = clamp(budget / seqlen, 1, <see cref="SelfGenerationSettings.MaxBatch"/>).</param>
    public readonly record struct Run(int NSamples, int SeqLen, long Seed, int TokenBudget);

    /// <summary>
    /// Generates, measures and filters texts from prefixes of <paramref name="documents"/> (the source named
    /// <paramref name="source"/>); <paramref name="progress"/> hears (texts done, texts planned) after each batch, and
    /// <paramref name="warn"/> when the most texts generated still keep fewer than nsamples x seqlen tokens.
    /// </summary>
    /// <exception cref="DataFormatException">No document has enough tokens for a prefix, or the kept text stays too short for one window.</exception>
    public static GeneratedCorpus Generate(CausalLM model, Tokenizer tokenizer, string source, IReadOnlyList<string> documents, Run run,
        SelfGenerationSettings settings, Action<int, int>? progress = null, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(settings);
        var prefixes = new Prefixes(documents, tokenizer, settings.PrefixTokens, run.Seed, source);
        var generator = new TextGenerator(model, tokenizer);
        int rows = Math.Clamp(run.TokenBudget / run.SeqLen, 1, settings.MaxBatch);
        int planned = settings.FirstRound(run.NSamples), most = 4 * planned;
        var texts = new List<GeneratedText>();
        while (true)
        {
            while (texts.Count < planned)
            {
                var prompts = Enumerable.Range(0, Math.Min(rows, planned - texts.Count)).Select(_ => prefixes.Next()).ToList();
                int maxNew = run.SeqLen - prompts.Max(p => p.Length);
                if (maxNew < 1)
                {
                    throw new DataFormatException(source, $"seqlen {run.SeqLen} leaves no room to continue a prefix of {prompts.Max(p => p.Length)} tokens (raise --seqlen)");
                }

                var results = generator.GenerateIds(prompts, settings.Options(maxNew, run.Seed + texts.Count));
                texts.AddRange(results.Select(r => Measure(model, tokenizer, source, r)));
                progress?.Invoke(texts.Count, planned);
            }

            var corpus = GeneratedCorpus.Filter(source, texts, settings.KeepBelowPercentile);
            long tokens = tokenizer.Encode(string.Join(" ", corpus.Kept)).Length;
            if (tokens > (long)run.NSamples * run.SeqLen)
            {
                return corpus;
            }

            if (planned >= most)
            {
                if (tokens <= run.SeqLen)
                {
                    throw new DataFormatException(source, $"{texts.Count} generated texts kept {tokens} tokens, not more than seqlen {run.SeqLen} (the model ends its texts early; lower --seqlen)");
                }

                warn?.Invoke($"warning: generated:{source}: {texts.Count} texts (the most generated) kept {tokens} tokens, fewer than nsamples x seqlen = {(long)run.NSamples * run.SeqLen}: the model ends its texts early, so the {run.NSamples} windows overlap");
                return corpus;
            }

            planned = Math.Min(most, planned + rows);
        }
    }

    /// <summary>
    /// The corpus of each generated part of <paramref name="set"/>, in order: read from <paramref name="saved"/> when that
    /// folder holds <see cref="GeneratedCorpus.FileName"/> (a job that resumes, a shard drawing its own samples), else
    /// generated by the dense model in <paramref name="model"/> (loaded once, with <paramref name="options"/>), each part
    /// covering its own count of samples (<see cref="CalibrationSet.Counts"/>).
    /// </summary>
    public static IReadOnlyList<GeneratedCorpus> ForSet(CalibrationSet set, string model, ModelOptions options, Tokenizer tokenizer, string dataDirectory,
        Run run, SelfGenerationSettings settings, string? saved = null, Action<int, int>? progress = null, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(settings);
        var counts = set.Counts(run.NSamples);
        var generated = set.Parts.Select((p, i) => (p.Dataset, Count: counts[i])).Where(p => p.Dataset.IsGenerated).ToList();
        if (generated.Count == 0)
        {
            return [];
        }

        if (saved is not null && generated.Select(p => GeneratedCorpus.Read(saved, p.Dataset.Source!.ToString(), settings.KeepBelowPercentile)).ToList() is var read && read.All(c => c is not null))
        {
            return read!;
        }

        using var dense = CausalLM.Load(model, options);
        return [.. generated.Select(p => Generate(dense, tokenizer, p.Dataset.Source!.ToString(), Registry.CalibrationSource.Documents(p.Dataset.Source!, dataDirectory),
            run with { NSamples = p.Count }, settings, progress, warn))];
    }

    /// <summary>exp of <paramref name="model"/>'s mean next-token loss over <paramref name="ids"/> (as HF's <c>model(ids, labels=ids).loss</c>); infinite below two tokens.</summary>
    public static double PerplexityOf(CausalLM model, int[] ids)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Length < 2)
        {
            return double.PositiveInfinity;
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int n = ids.Length;
        var x = tensor(ids.Select(i => (long)i).ToArray(), device: model.Options.Device).unsqueeze(0); // (1, T)
        var logits = model.Forward(x).to_type(ScalarType.Float32)[0];                                    // (1, T, V) -> (T, V)
        var loss = nn.functional.cross_entropy(logits.narrow(0, 0, n - 1), x[0].narrow(0, 1, n - 1));     // mean over T - 1
        return Math.Exp(loss.item<float>()); // host: the text's loss, the measurement itself
    }

    private static GeneratedText Measure(CausalLM model, Tokenizer tokenizer, string source, GenerationResult result)
    {
        var text = tokenizer.Decode([.. result.PromptTokens, .. result.Tokens]);
        var ids = tokenizer.Encode(text); // the authors measure the decoded text, tokenized again
        return new GeneratedText(source, tokenizer.Decode(result.PromptTokens), text, ids.Length, PerplexityOf(model, ids), Kept: false);
    }

    /// <summary>Prefixes drawn from random documents (CPython's randint, with replacement): leading special tokens (BOS) and the next few.</summary>
    private sealed class Prefixes(IReadOnlyList<string> documents, Tokenizer tokenizer, int length, long seed, string source)
    {
        // The first characters give the first tokens: BPE never merges across the pre-tokenizer's words.
        private const int Head = 1000;
        private readonly PythonRandom _rng = new(seed);

        public int[] Next()
        {
            if (documents.Count == 0)
            {
                throw new DataFormatException(source, "no documents to draw prefixes from");
            }

            for (int attempt = 0; attempt < 10_000; attempt++)
            {
                var doc = documents[(int)_rng.RandInt(0, documents.Count - 1)];
                int cut = Math.Min(doc.Length, Head);
                cut -= cut < doc.Length && char.IsHighSurrogate(doc[cut - 1]) ? 1 : 0;
                var ids = tokenizer.Encode(doc[..cut]);
                int specials = ids.TakeWhile(tokenizer.IsSpecial).Count();
                if (ids.Skip(specials).TakeWhile(i => !tokenizer.IsSpecial(i)).Count() >= length)
                {
                    return ids[..(specials + length)];
                }
            }

            throw new DataFormatException(source, $"10000 random documents had none of {length} tokens for a prefix");
        }
    }
}
