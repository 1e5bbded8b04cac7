using Shear.Numerics.Data;
using Shear.Numerics.Data.Registry;

namespace Shear.Numerics.Evaluation.Translation;

/// <summary>Which side NLTK's METEOR gets the gold sentence on (ANCHORS §2.5).</summary>
public enum MeteorOrder
{
    /// <summary><c>meteor(reference = gold, hypothesis = sample_k)</c>, best over the k samples (the metric's definition).</summary>
    Conventional,

    /// <summary>The thesis's call: <c>meteor_score(references = samples, hypothesis = gold)</c>, rounded to 4 decimals.</summary>
    Thesis,
}

/// <summary>One English sentence and its French reference.</summary>
/// <param name="English">Source.</param>
/// <param name="French">Gold translation.</param>
public sealed record TranslationPair(string English, string French);

/// <summary>
/// The thesis's en→fr evaluation (samples_generation_transl.py): its [INST] prompt, k sampled translations per
/// sentence (temperature 0.95, top-p 0.95, top-k 250), each scored with METEOR on NLTK word tokens, the best kept.
/// </summary>
public static class TranslationTask
{
    /// <summary>The thesis's sampling settings.</summary>
    public const double Temperature = 0.95, TopP = 0.95;

    /// <summary>The thesis's top-k.</summary>
    public const int TopK = 250;

    /// <summary>The thesis's prompt (CodeLlama style, used for every model).</summary>
    public static string Prompt(string english) =>
        $"[INST]\nWRITE ONLY THE FRENCH SENTENCE IN OUTPUT\nPlease translate the following sentence from english to french: \"{english}\"\n[/INST]\n";

    /// <summary>
    /// Pairs of a wmt14 or opus_books file (<c>translation: {en, fr}</c>); rows without both sides are skipped.
    /// <paramref name="secondHalf"/> keeps the second half (the thesis's opus_books evaluation rows; the first half calibrates).
    /// </summary>
    /// <exception cref="DataFormatException">A row without a <c>translation</c> object (file and line named).</exception>
    public static List<TranslationPair> Load(IReadOnlyList<string> files, bool secondHalf = false)
    {
        ArgumentNullException.ThrowIfNull(files);
        var pairs = new List<TranslationPair>();
        foreach (var file in files)
        {
            foreach (var (line, row) in RowReader.Read(file))
            {
                try
                {
                    var t = Templates.Obj(row, "translation");
                    if (Templates.StrOrNull(t, "en") is { } en && Templates.StrOrNull(t, "fr") is { } fr)
                    {
                        pairs.Add(new TranslationPair(en, fr));
                    }
                }
                catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException)
                {
                    throw new DataFormatException(file, $"line {line}: {e.Message}");
                }
            }
        }

        return secondHalf ? pairs.Skip(pairs.Count / 2).ToList() : pairs;
    }

    /// <summary>A sentence's score: the best METEOR of its samples against the gold, in the chosen argument order.</summary>
    public static double Score(Meteor meteor, string gold, IReadOnlyList<string> samples, MeteorOrder order)
    {
        ArgumentNullException.ThrowIfNull(meteor);
        ArgumentNullException.ThrowIfNull(samples);
        var goldTokens = WordTokenizer.Tokenize(gold);
        var sampleTokens = samples.Select(s => (IReadOnlyList<string>)WordTokenizer.Tokenize(s)).ToList();
        return order == MeteorOrder.Thesis
            ? PythonText.Round(meteor.Score(sampleTokens, goldTokens), 4) // the thesis: round(score, 4)
            : sampleTokens.Select(s => meteor.Single(goldTokens, s)).DefaultIfEmpty(0).Max();
    }
}
