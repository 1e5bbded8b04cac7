using System.Globalization;

namespace Shear.Numerics.Experiment;

/// <summary>One part of a calibration set: a dataset, with its share of the samples or its count (a mixture), or alone.</summary>
/// <param name="Dataset">The dataset.</param>
/// <param name="Share">Its fraction of nsamples (a mixture given by shares), or null.</param>
/// <param name="Count">Its number of samples (a mixture given by counts), or null.</param>
public sealed record CalibrationPart(DatasetRef Dataset, double? Share = null, int? Count = null);

/// <summary>
/// The calibration data of a prune: one dataset (<c>builtin_code</c>, <c>gsm8k@main</c>, a file), or a mixture of
/// several, by shares of nsamples (<c>builtin_code:0.5,builtin_math:0.25,builtin_text:0.25</c>) or by counts
/// (<c>builtin_code:64,builtin_math:64</c>). <see cref="Counts"/> turns shares into counts by the largest-remainder
/// rule: each part gets floor(share x nsamples), and the samples left go one each to the parts with the largest
/// remainders, the earlier-listed part first on a tie.
/// </summary>
public sealed class CalibrationSet : IEquatable<CalibrationSet>
{
    private readonly string _text;

    private CalibrationSet(IReadOnlyList<CalibrationPart> parts)
    {
        Parts = parts;
        _text = Text(parts);
    }

    /// <summary>The canonical text of <paramref name="parts"/> (<c>NAME</c>, or <c>NAME:SHARE,...</c>, <c>NAME:COUNT,...</c>).</summary>
    public static string Text(IEnumerable<CalibrationPart> parts) =>
        string.Join(",", parts.Select(p => p.Share is { } s ? $"{p.Dataset}:{s.ToString(CultureInfo.InvariantCulture)}"
            : p.Count is { } c ? $"{p.Dataset}:{c.ToString(CultureInfo.InvariantCulture)}" : p.Dataset.ToString()));

    /// <summary>The parts, in the order given (one part without share or count: a single dataset).</summary>
    public IReadOnlyList<CalibrationPart> Parts { get; }

    /// <summary>True for a mixture of parts.</summary>
    public bool IsMixture => Parts.Count > 1;

    /// <summary>A short label: the dataset's (<see cref="DatasetRef.Label"/>) for one dataset, else the canonical text.</summary>
    public string Label => IsMixture ? _text : Parts[0].Dataset.Label;

    /// <summary>A folder-name-safe label (<c>builtin_code-0.5+builtin_math-0.5</c>).</summary>
    public string FolderLabel => IsMixture ? string.Join("+", Parts.Select(p => $"{p.Dataset.Label}-{(p.Share ?? p.Count)!.Value.ToString(CultureInfo.InvariantCulture)}").Select(s => s.Replace('@', '-'))) : Parts[0].Dataset.Label;

    /// <summary>One dataset.</summary>
    public static CalibrationSet Of(DatasetRef dataset) => new([new CalibrationPart(dataset)]);

    /// <summary>Parses one dataset (<c>NAME</c>, <c>NAME@CONFIG</c>, a file) or a mixture of them (<c>NAME:SHARE,...</c> or <c>NAME:COUNT,...</c>).</summary>
    /// <exception cref="ArgumentException">A malformed part; shares that are not positive or do not sum to 1; counts that are not positive whole numbers; shares and counts mixed; a part listed twice (named).</exception>
    public static CalibrationSet Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        int last = text.LastIndexOf(':');
        bool suffixed = last > 0 && double.TryParse(text[(last + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out _);
        if (!text.Contains(',', StringComparison.Ordinal) && !suffixed)
        {
            return Of(DatasetRef.Parse(text)); // one dataset (a file's path may hold ':')
        }

        var parts = new List<CalibrationPart>();
        foreach (var item in text.Split(','))
        {
            int colon = item.LastIndexOf(':');
            if (colon <= 0)
            {
                throw new ArgumentException($"calibration mixture '{text}': part '{item.Trim()}' is not NAME:SHARE or NAME:COUNT");
            }

            var dataset = DatasetRef.Parse(item[..colon]);
            var amount = item[(colon + 1)..].Trim();
            if (int.TryParse(amount, NumberStyles.None, CultureInfo.InvariantCulture, out int count) && !amount.Contains('.', StringComparison.Ordinal))
            {
                parts.Add(new CalibrationPart(dataset, Count: count > 0 ? count : throw new ArgumentException($"calibration mixture '{text}': {dataset} has count {amount}; counts must be positive")));
            }
            else if (double.TryParse(amount, NumberStyles.Float, CultureInfo.InvariantCulture, out double share) && double.IsFinite(share))
            {
                parts.Add(new CalibrationPart(dataset, Share: share > 0 ? share : throw new ArgumentException($"calibration mixture '{text}': {dataset} has share {amount}; shares must be positive")));
            }
            else
            {
                throw new ArgumentException($"calibration mixture '{text}': {dataset} has '{amount}', neither a share (0.25) nor a count (64)");
            }
        }

        if (parts.GroupBy(p => p.Dataset).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"calibration mixture '{text}': {twice.Key} is listed twice");
        }

        if (parts.Any(p => p.Share is not null) && parts.Any(p => p.Count is not null))
        {
            throw new ArgumentException($"calibration mixture '{text}': give every part a share (0.5) or every part a count (64), not both");
        }

        if (parts[0].Share is not null && Math.Abs(parts.Sum(p => p.Share!.Value) - 1.0) > 1e-9)
        {
            throw new ArgumentException($"calibration mixture '{text}': the shares sum to {parts.Sum(p => p.Share!.Value).ToString(CultureInfo.InvariantCulture)}, not 1");
        }

        return new CalibrationSet(parts);
    }

    /// <summary>The samples drawn from each part for <paramref name="nsamples"/> (largest remainders for shares).</summary>
    /// <exception cref="ArgumentException">Counts that do not sum to nsamples, or a part that would get no sample.</exception>
    public IReadOnlyList<int> Counts(int nsamples)
    {
        if (!IsMixture && Parts[0].Share is null && Parts[0].Count is null)
        {
            return [nsamples];
        }

        if (Parts[0].Count is not null)
        {
            int total = Parts.Sum(p => p.Count!.Value);
            return total == nsamples ? [.. Parts.Select(p => p.Count!.Value)]
                : throw new ArgumentException($"calibration mixture {this}: its counts sum to {total}, not nsamples {nsamples}");
        }

        var exact = Parts.Select(p => p.Share!.Value * nsamples).ToList();
        var counts = exact.Select(x => (int)Math.Floor(x + 1e-9)).ToArray();
        int left = nsamples - counts.Sum();
        foreach (int i in Enumerable.Range(0, Parts.Count).OrderByDescending(i => exact[i] - counts[i]).ThenBy(i => i).Take(Math.Max(0, left)))
        {
            counts[i]++;
        }

        if (Array.IndexOf(counts, 0) is int empty and >= 0)
        {
            throw new ArgumentException($"calibration mixture {this}: {Parts[empty].Dataset} gets no sample of nsamples {nsamples} (more parts than samples, or a share below 1/nsamples)");
        }

        return counts;
    }

    /// <summary>The canonical text, which <see cref="Parse"/> reads back.</summary>
    public override string ToString() => _text;

    /// <inheritdoc />
    public bool Equals(CalibrationSet? other) => other is not null && other._text == _text;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as CalibrationSet);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_text);
}
