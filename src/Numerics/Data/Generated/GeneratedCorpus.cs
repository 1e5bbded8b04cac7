using System.Globalization;
using System.Text;
using System.Text.Json;
using Shear.Numerics.IO;

namespace Shear.Numerics.Data.Generated;

/// <summary>
/// The texts the dense model generated from one source's prefixes, each with its perplexity, and the filter: a text is
/// kept when its perplexity is below the <see cref="SelfGenerationSettings.KeepBelowPercentile"/>-th percentile of all of
/// them (the authors' <c>perplexity &lt; np.percentile(ppl, 80)</c>). Kept beside a prune's output as
/// <see cref="FileName"/>, one line per text.
/// </summary>
public sealed record GeneratedCorpus
{
    /// <summary>Where a prune's output keeps the generated texts of every generated part, relative to the output folder.</summary>
    public const string FileName = "calibration/generated.jsonl";

    // Infinity (a text too short for a perplexity) is written as "Infinity"; text beyond ASCII stays readable.
    private static readonly JsonSerializerOptions Lines = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private GeneratedCorpus(string source, IReadOnlyList<GeneratedText> texts, double threshold) => (Source, Texts, Threshold) = (source, texts, threshold);

    /// <summary>The dataset the prefixes came from.</summary>
    public string Source { get; }

    /// <summary>Every text, in the order generated, each marked kept or not.</summary>
    public IReadOnlyList<GeneratedText> Texts { get; }

    /// <summary>The percentile of the perplexities: texts below it are kept.</summary>
    public double Threshold { get; }

    /// <summary>The kept texts, in the order generated.</summary>
    public IReadOnlyList<string> Kept => [.. Texts.Where(t => t.Kept).Select(t => t.Text)];

    /// <summary>Marks each of <paramref name="texts"/> kept when its perplexity is below the <paramref name="percentile"/>-th percentile of them all.</summary>
    public static GeneratedCorpus Filter(string source, IReadOnlyList<GeneratedText> texts, double percentile)
    {
        ArgumentNullException.ThrowIfNull(texts);
        double threshold = Percentile.Linear([.. texts.Select(t => t.Perplexity)], percentile);
        return new GeneratedCorpus(source, [.. texts.Select(t => t with { Source = source, Kept = t.Perplexity < threshold })], threshold);
    }

    /// <summary>Writes <paramref name="corpora"/> to <see cref="FileName"/> under <paramref name="folder"/> (temp file, then rename).</summary>
    public static void Write(string folder, IEnumerable<GeneratedCorpus> corpora)
    {
        ArgumentNullException.ThrowIfNull(corpora);
        var path = Path.Combine(folder, FileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var sb = new StringBuilder();
        foreach (var text in corpora.SelectMany(c => c.Texts))
        {
            sb.Append(JsonSerializer.Serialize(text, Lines)).Append('\n');
        }

        AtomicFile.WriteAllText(path, sb.ToString());
    }

    /// <summary>
    /// The corpus of <paramref name="source"/> written under <paramref name="folder"/> by <see cref="Write"/> (a job that
    /// resumes, a shard that draws its samples itself), filtered again with <paramref name="percentile"/>; null when there is no file.
    /// </summary>
    /// <exception cref="DataFormatException">A line that is not a generated text, or no line of <paramref name="source"/>.</exception>
    public static GeneratedCorpus? Read(string folder, string source, double percentile)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        var texts = new List<GeneratedText>();
        int line = 0;
        foreach (var json in File.ReadLines(path))
        {
            line++;
            var text = Parse(json, path, line);
            if (text.Source == source)
            {
                texts.Add(text);
            }
        }

        return texts.Count > 0 ? Filter(source, texts, percentile)
            : throw new DataFormatException(path, $"no generated text of {source}");
    }

    private static GeneratedText Parse(string json, string path, int line)
    {
        try
        {
            return JsonSerializer.Deserialize<GeneratedText>(json, Lines) is { Source: not null, Text: not null } text ? text
                : throw new DataFormatException(path, string.Create(CultureInfo.InvariantCulture, $"line {line}: not a generated text"));
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, string.Create(CultureInfo.InvariantCulture, $"line {line}: {e.Message}"));
        }
    }
}
