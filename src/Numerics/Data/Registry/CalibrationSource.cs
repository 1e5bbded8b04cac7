using Shear.Numerics.Experiment;
using Shear.Numerics.Tokenization;

namespace Shear.Numerics.Data.Registry;

/// <summary>
/// Turns a registry set (or a plain .txt/.jsonl file) into tokenized calibration samples, drawn as the references
/// draw them: CPython's <c>random.seed(seed)</c>, then windows (Wanda's c4 rule) or whole examples (the thesis's
/// rule, redrawing unusable rows), capped at seqlen.
/// </summary>
public static class CalibrationSource
{
    /// <summary>
    /// The templated texts of a set (null = unusable row), read from its files under <paramref name="dataDirectory"/>;
    /// a set that joins its rows (wikitext2) gives one text unless <paramref name="joined"/> is false.
    /// </summary>
    /// <exception cref="DataFormatException">No files, or a row without a field the template needs (names set, file, line, field).</exception>
    public static List<string?> Texts(DatasetSpec spec, string dataDirectory, bool joined = true)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var location = DatasetRegistry.Locate(spec, dataDirectory);
        var files = location.Files;
        if (files.Count == 0)
        {
            throw new DataFormatException(DatasetRegistry.Folders(spec, dataDirectory)[0],
                $"no files for dataset '{spec.Name}' (looked in {location.LookedIn}; put {string.Join("/", RowReader.Extensions)} files of {spec.Source} there, or its Hub repository as huggingface-cli downloads it)");
        }

        var texts = new List<string?>();
        foreach (var file in files)
        {
            foreach (var (line, row) in RowReader.Read(file))
            {
                try
                {
                    texts.Add(spec.Template(row));
                }
                catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
                {
                    throw new DataFormatException(file, $"line {line}: dataset '{spec.Name}': {e.Message}");
                }
            }
        }

        if (spec.FirstHalf)
        {
            texts = texts.Take(texts.Count / 2).ToList();
        }

        if (joined && spec.JoinWith is { } sep)
        {
            texts = [string.Join(sep, texts.Where(t => t is not null))];
        }

        return texts;
    }

    /// <summary>The documents of a dataset (its usable rows, not joined) or of a .txt/.jsonl file: where generated calibration takes its prefixes.</summary>
    /// <exception cref="DataFormatException">An unknown dataset, no files, or a bad row (named).</exception>
    public static IReadOnlyList<string> Documents(DatasetRef dataset, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return File.Exists(dataset.Name) ? TextDocuments.Load(dataset.Name)
            : [.. Texts(DatasetRegistry.Find(dataset.ToString()), dataDirectory, joined: false).OfType<string>()];
    }

    /// <summary>
    /// Parses a calibration set given by a user (<c>--calibration</c>, a sweep file) and checks each part: a file that
    /// exists (its full path kept) or a known dataset.
    /// </summary>
    /// <exception cref="ArgumentException">A malformed set or mixture (named).</exception>
    /// <exception cref="DataFormatException">An unknown dataset or a missing file (named).</exception>
    public static CalibrationSet Resolve(string text)
    {
        var set = CalibrationSet.Parse(text);
        var parts = set.Parts.Select(p => p with { Dataset = p.Dataset.Source is { } source ? DatasetRef.Generated(Resolve(source)) : Resolve(p.Dataset) }).ToList();
        return CalibrationSet.Parse(CalibrationSet.Text(parts));
    }

    // A file that exists (its full path), else a known dataset.
    private static DatasetRef Resolve(DatasetRef dataset)
    {
        if (File.Exists(dataset.Name))
        {
            return DatasetRef.Parse(Path.GetFullPath(dataset.Name));
        }

        DatasetRegistry.Find(dataset.ToString());
        return dataset;
    }

    /// <summary>
    /// Samples for <paramref name="set"/>, part by part in the order given, each part's count drawn from it as that
    /// dataset alone would draw them (the same seed; see <see cref="CalibrationSet.Counts"/>), with what each part gave.
    /// A generated part's samples are windows of its kept texts joined by spaces (<see cref="CalibrationSampler.Stream"/>,
    /// the authors' <c>get_selfgen</c>), the texts given by <paramref name="generated"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A generated part and no <paramref name="generated"/>.</exception>
    public static (List<int[]> Samples, SamplingMode Mode, IReadOnlyList<(string Part, int Samples, long Tokens)> Parts) Draw(CalibrationSet set, string dataDirectory,
        Tokenizer tokenizer, SamplingMode? mode, int nsamples, int seqlen, long seed, Action<string>? warn = null, Func<DatasetRef, IReadOnlyList<string>>? generated = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        var counts = set.Counts(nsamples);
        var samples = new List<int[]>();
        var parts = new List<(string, int, long)>();
        SamplingMode? first = null;
        for (int i = 0; i < set.Parts.Count; i++)
        {
            var dataset = set.Parts[i].Dataset;
            var (drawn, used) = !dataset.IsGenerated ? Draw(dataset.ToString(), dataDirectory, tokenizer, mode, counts[i], seqlen, seed, warn)
                : generated is null ? throw new ArgumentException($"{dataset} needs the dense model's texts")
                : (CalibrationSampler.Stream(tokenizer.Encode(string.Join(" ", generated(dataset))), counts[i], seqlen, seed, dataset.ToString()), SamplingMode.Windows);
            first ??= used;
            samples.AddRange(drawn);
            parts.Add((set.Parts[i].Dataset.ToString(), drawn.Count, drawn.Sum(s => (long)s.Length)));
        }

        return (samples, first!.Value, parts);
    }

    /// <summary>
    /// Samples for <paramref name="calibration"/>: a file path (.txt/.jsonl documents) or a registry name.
    /// <paramref name="warn"/> hears when fewer usable rows than <paramref name="nsamples"/> exist.
    /// </summary>
    public static (List<int[]> Samples, SamplingMode Mode) Draw(string calibration, string dataDirectory, Tokenizer tokenizer, SamplingMode? mode,
        int nsamples, int seqlen, long seed, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        if (File.Exists(calibration))
        {
            var docs = TextDocuments.Load(calibration);
            var m = mode ?? CalibrationSampler.Auto(docs, seqlen);
            return (CalibrationSampler.Draw(docs, tokenizer, m, nsamples, seqlen, seed, calibration, warn), m);
        }

        var spec = DatasetRegistry.Find(calibration);
        var texts = Texts(spec, dataDirectory);
        var chosen = mode ?? spec.Mode;
        if (chosen == SamplingMode.Windows)
        {
            return (CalibrationSampler.Draw(texts.OfType<string>().ToList(), tokenizer, chosen, nsamples, seqlen, seed, calibration, warn), chosen);
        }

        int usable = texts.Count(t => t is not null);
        if (usable < nsamples)
        {
            warn?.Invoke($"warning: {calibration} has {usable} usable rows, fewer than nsamples {nsamples}; using {Math.Min(nsamples, texts.Count)} draws");
        }

        bool Reject(int[] ids) => (spec.MaxTokens > 0 && ids.Length > spec.MaxTokens) || (spec.RejectSingleToken && ids.Length == 1);
        return (CalibrationSampler.Examples(texts, tokenizer, nsamples, seqlen, new PythonRandom(seed), Reject, calibration), chosen);
    }
}
