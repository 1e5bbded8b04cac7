using System.Globalization;
using SkiaSharp;

namespace Shear.Numerics.Analysis;

/// <summary>
/// How each domain degrades with sparsity: from a results table whose rows differ in sparsity (a sweep's
/// <c>sparsity: [0.3, 0.5, 0.7]</c> labels its rows <c>0.3 builtin_code</c>, ...), one chart per column, the score (or
/// retention) against sparsity, one line per calibration set, each point with its ±1 standard error bar.
/// </summary>
public static class SparsityCurves
{
    private static readonly SKColor[] Palette =
    [
        new(0x1F, 0x77, 0xB4), new(0xFF, 0x7F, 0x0E), new(0x2C, 0xA0, 0x2C), new(0xD6, 0x27, 0x28), new(0x94, 0x67, 0xBD),
        new(0x8C, 0x56, 0x4B), new(0xE3, 0x77, 0xC2), new(0x7F, 0x7F, 0x7F),
    ];

    private const int PlotWidth = 380, Height = 340, Left = 64, Top = 40, Bottom = 48;

    /// <summary>A point of a curve.</summary>
    /// <param name="Sparsity">x.</param>
    /// <param name="Value">y.</param>
    /// <param name="StdErr">Half the error bar, or null.</param>
    public readonly record struct Point(double Sparsity, double Value, double? StdErr);

    /// <summary>
    /// The curves of <paramref name="table"/>: per column, per series (the row label without its sparsity: the
    /// calibration set, prefixed by anything else the rows vary in), its points in sparsity order. Rows without a
    /// sparsity in their label (the dense row, N:M patterns) are left out. Empty unless some series has two sparsities.
    /// </summary>
    public static Dictionary<string, Dictionary<string, List<Point>>> Of(ResultsTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var curves = new Dictionary<string, Dictionary<string, List<Point>>>();
        foreach (var row in table.Rows)
        {
            var words = row.Label.Split(' ');
            int at = Array.FindIndex(words, w => double.TryParse(w, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s > 0 && s < 1);
            if (at < 0)
            {
                continue;
            }

            double sparsity = double.Parse(words[at], CultureInfo.InvariantCulture);
            var series = string.Join(' ', words.Where((_, i) => i != at));
            foreach (var (column, cell) in row.Cells)
            {
                var byColumn = curves.TryGetValue(column, out var c) ? c : curves[column] = [];
                (byColumn.TryGetValue(series, out var points) ? points : byColumn[series] = []).Add(new Point(sparsity, cell.Value, cell.Estimate.StdErr));
            }
        }

        foreach (var byColumn in curves.Values)
        {
            foreach (var points in byColumn.Values)
            {
                points.Sort((a, b) => a.Sparsity.CompareTo(b.Sparsity));
            }
        }

        return curves.Values.Any(c => c.Values.Any(p => p.Count >= 2)) ? curves : [];
    }

    /// <summary>Draws one column's curves: <paramref name="title"/> on top, the series in a legend at the right; values shown times <paramref name="scale"/> (100 for percentages).</summary>
    public static void Draw(string title, string axis, IReadOnlyDictionary<string, List<Point>> series, string path, double scale = 1)
    {
        ArgumentNullException.ThrowIfNull(series);
        var all = series.Values.SelectMany(p => p).Select(p => p with { Value = p.Value * scale, StdErr = p.StdErr * scale }).ToList();
        series = series.ToDictionary(s => s.Key, s => s.Value.Select(p => p with { Value = p.Value * scale, StdErr = p.StdErr * scale }).ToList());
        double x0 = all.Min(p => p.Sparsity), x1 = all.Max(p => p.Sparsity);
        double y0 = all.Min(p => p.Value - (p.StdErr ?? 0)), y1 = all.Max(p => p.Value + (p.StdErr ?? 0));
        if (x1 - x0 < 1e-9)
        {
            (x0, x1) = (x0 - 0.05, x1 + 0.05);
        }

        double pad = Math.Max((y1 - y0) * 0.08, 1e-6);
        (y0, y1) = (y0 - pad, y1 + pad);
        int right = 40 + (int)Math.Ceiling(series.Keys.Select(k => Canvas.Measure(k, 11)).DefaultIfEmpty(0).Max());
        int width = Math.Max(Left + PlotWidth + right, Left + 10 + (int)Math.Ceiling(Math.Max(Canvas.Measure(title), Canvas.Measure(axis, 12))));
        using var c = new Canvas(width, Height);
        float plotW = PlotWidth, plotH = Height - Top - Bottom;
        float X(double v) => (float)(Left + ((v - x0) / (x1 - x0) * plotW));
        float Y(double v) => (float)(Top + plotH - ((v - y0) / (y1 - y0) * plotH));
        c.Text(title, Left, 24);
        for (int t = 0; t <= 4; t++)
        {
            double v = y0 + ((y1 - y0) * t / 4);
            c.Line(Left, Y(v), Left + plotW, Y(v), new SKColor(0xE0, 0xE0, 0xE0));
            c.Text(v.ToString(y1 - y0 >= 10 ? "0" : y1 - y0 >= 1 ? "0.0" : "0.00", CultureInfo.InvariantCulture), Left - 6, Y(v) + 4, align: 1, size: 11);
        }

        foreach (var x in all.Select(p => p.Sparsity).Distinct().Order())
        {
            c.Line(X(x), Top + plotH, X(x), Top + plotH + 4, SKColors.Black);
            c.Text(x.ToString("0.##", CultureInfo.InvariantCulture), X(x), Top + plotH + 17, align: 0, size: 11);
        }

        c.Line(Left, Top + plotH, Left + plotW, Top + plotH, SKColors.Black);
        c.Line(Left, Top, Left, Top + plotH, SKColors.Black);
        c.Text(axis, Left + (plotW / 2), Height - 12, align: 0, size: 12);
        int k = 0;
        foreach (var (name, points) in series)
        {
            var color = Palette[k % Palette.Length];
            for (int i = 0; i < points.Count; i++)
            {
                var p = points[i];
                if (i > 0)
                {
                    c.Line(X(points[i - 1].Sparsity), Y(points[i - 1].Value), X(p.Sparsity), Y(p.Value), color, width: 2);
                }

                if (p.StdErr is { } se && se > 0)
                {
                    c.Line(X(p.Sparsity), Y(p.Value - se), X(p.Sparsity), Y(p.Value + se), color);
                    c.Line(X(p.Sparsity) - 4, Y(p.Value - se), X(p.Sparsity) + 4, Y(p.Value - se), color);
                    c.Line(X(p.Sparsity) - 4, Y(p.Value + se), X(p.Sparsity) + 4, Y(p.Value + se), color);
                }

                c.Fill(X(p.Sparsity) - 3, Y(p.Value) - 3, 6, 6, color);
            }

            float ly = Top + 10 + (k * 18);
            c.Fill(Left + plotW + 12, ly - 8, 14, 4, color);
            c.Text(name, Left + plotW + 32, ly - 2, size: 11);
            k++;
        }

        c.SavePng(path);
    }
}
