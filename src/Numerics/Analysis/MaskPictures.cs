using SkiaSharp;

namespace Shear.Numerics.Analysis;

/// <summary>Where the three panels of a mask comparison sit, and the downsampling factor (entries per pixel side).</summary>
/// <param name="Factor">Each pixel covers Factor x Factor entries.</param>
/// <param name="PanelWidth">Panel width in pixels.</param>
/// <param name="PanelHeight">Panel height in pixels.</param>
/// <param name="Left">Left edge of each panel (A, B, differences).</param>
/// <param name="Top">Top edge of the panels.</param>
public sealed record MaskPanels(int Factor, int PanelWidth, int PanelHeight, IReadOnlyList<int> Left, int Top);

/// <summary>
/// The thesis's pictures as PNG: per-layer Jaccard distance bars for two sub-models, an N x N heatmap of whole-model
/// distance, and the weight-mask image (one matrix of two sub-models side by side, differences in red).
/// </summary>
public static class MaskPictures
{
    /// <summary>Whether the pictures get text labels (a font was found; else: apt-get install fonts-dejavu-core).</summary>
    public static bool HasLabels => Canvas.HasFont;

    /// <summary>Bar colour.</summary>
    public static readonly SKColor Bar = new(0x46, 0x82, 0xB4);

    /// <summary>Entries that differ (full intensity).</summary>
    public static readonly SKColor Differ = new(0xFF, 0x00, 0x00);

    private const int Margin = 60, PlotHeight = 300, Gap = 12, Top = 40;

    /// <summary>Bars of the per-layer Jaccard distance (y from 0 to at least 0.3, as the thesis), with the chance distance dashed.</summary>
    /// <remarks>The picture is as wide as its bars, its title and its axis label need (never narrower than 360 px).</remarks>
    public static void LayerDistances(MaskSimilarity similarity, string path)
    {
        ArgumentNullException.ThrowIfNull(similarity);
        var layers = similarity.Layers.OrderBy(p => p.Key).ToList();
        double chance = 1 - similarity.Model.ChanceSimilarity;
        double top = Math.Ceiling(Math.Max(0.3, layers.Select(l => l.Value.Distance).DefaultIfEmpty(0).Max()) * 20) / 20;
        int barWidth = Math.Clamp(600 / Math.Max(1, layers.Count), 6, 40);
        var title = $"Jaccard distance per layer: {similarity.A} vs {similarity.B}";
        var axis = $"layer (model distance {Canvas.Format(similarity.Model.Distance)}, chance {Canvas.Format(chance)}{(chance <= top ? ", dashed" : "")})";
        int width = Math.Max(Math.Max((2 * Margin) + (layers.Count * barWidth), 360), Margin + 10 + (int)Math.Ceiling(Math.Max(Canvas.Measure(title), Canvas.Measure(axis, 12))));
        using var c = new Canvas(width, Top + PlotHeight + 50);
        float Y(double v) => (float)(Top + PlotHeight - (Math.Min(v, top) / top * PlotHeight));
        c.Text(title, Margin, 22);
        for (int t = 0; t <= 5; t++)
        {
            double v = top * t / 5;
            c.Line(Margin - 4, Y(v), Margin + (layers.Count * barWidth), Y(v), new SKColor(0xDD, 0xDD, 0xDD));
            c.Text(Canvas.Format(v), Margin - 6, Y(v) + 4, align: 1, size: 11);
        }

        for (int i = 0; i < layers.Count; i++)
        {
            float x = Margin + (i * barWidth) + 1;
            float y = Y(layers[i].Value.Distance);
            c.Fill(x, y, barWidth - 2, Top + PlotHeight - y, Bar);
            if (layers.Count <= 40 && (layers.Count <= 16 || i % 4 == 0))
            {
                c.Text(layers[i].Key.ToString(System.Globalization.CultureInfo.InvariantCulture), x + ((barWidth - 2) / 2f), Top + PlotHeight + 16, align: 0, size: 11);
            }
        }

        c.Line(Margin, Top + PlotHeight, Margin + (layers.Count * barWidth), Top + PlotHeight, SKColors.Black);
        if (chance <= top)
        {
            c.Line(Margin, Y(chance), Margin + (layers.Count * barWidth), Y(chance), SKColors.Gray, dashed: true);
        }

        c.Text(axis, Margin, Top + PlotHeight + 38, size: 12);
        c.SavePng(path);
    }

    /// <summary>Cell size of the heatmap.</summary>
    public const int Cell = 56;

    /// <summary>Width and height of the heatmap's colour scale bar.</summary>
    public const int ScaleWidth = 16;

    /// <summary>
    /// The N x N heatmap of whole-model distances (white 0 to dark blue at the largest), values written in the cells,
    /// names on both axes (as wide as the longest needs) and a colour scale from 0 to the largest distance at the right.
    /// </summary>
    /// <returns>Left and top of cell (0, 0); cell (i, j) starts at (left + j·<see cref="Cell"/>, top + i·<see cref="Cell"/>).</returns>
    public static (int Left, int Top) DistanceHeatmap(IReadOnlyList<string> names, double[,] distances, string path)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(distances);
        int n = names.Count;
        const string title = "Whole-model Jaccard distance";
        int label = 12 + (int)Math.Ceiling(names.Select(x => Canvas.Measure(x, 12)).DefaultIfEmpty(0).Max());
        double max = Math.Max(1e-9, distances.Cast<double>().Max());
        var ticks = new[] { 0, max / 2, max }.Select(v => v.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        int grid = n * Cell, scaleLeft = label + grid + 16, scaleHeight = Math.Max(grid, 120);
        int width = Math.Max(scaleLeft + ScaleWidth + 6 + (int)Math.Ceiling(ticks.Max(t => Canvas.Measure(t, 11))) + 10, 10 + (int)Math.Ceiling(Canvas.Measure(title)));
        int height = Top + Math.Max(grid + label, scaleHeight + 24);
        using var c = new Canvas(width, height);
        c.Text(title, Math.Min(label, width - 10 - Canvas.Measure(title)), 22);
        for (int i = 0; i < n; i++)
        {
            c.Text(names[i], label - 6, Top + (i * Cell) + (Cell / 2f) + 4, align: 1, size: 12);
            c.TextDown(names[i], label + (i * Cell) + (Cell / 2f) - 4, Top + grid + 6, size: 12);
            for (int j = 0; j < n; j++)
            {
                var color = Shade(distances[i, j] / max);
                c.Fill(label + (j * Cell), Top + (i * Cell), Cell, Cell, color);
                var ink = distances[i, j] / max > 0.55 ? SKColors.White : SKColors.Black;
                c.Text(distances[i, j].ToString("0.000", System.Globalization.CultureInfo.InvariantCulture), label + (j * Cell) + (Cell / 2f), Top + (i * Cell) + (Cell / 2f) + 4, align: 0, size: 11, color: ink);
            }
        }

        // The colour scale: 0 at the bottom, the largest distance at the top.
        for (int y = 0; y < scaleHeight; y++)
        {
            c.Fill(scaleLeft, Top + y, ScaleWidth, 1, Shade(1 - ((double)y / (scaleHeight - 1))));
        }

        c.Line(scaleLeft, Top, scaleLeft, Top + scaleHeight, SKColors.Gray);
        c.Line(scaleLeft + ScaleWidth, Top, scaleLeft + ScaleWidth, Top + scaleHeight, SKColors.Gray);
        for (int t = 0; t < 3; t++)
        {
            float y = Top + ((scaleHeight - 1) * (1 - (t / 2f)));
            c.Text(ticks[t], scaleLeft + ScaleWidth + 6, Math.Clamp(y + 4, Top + 11, Top + scaleHeight + 3), size: 11);
        }

        c.Text("distance", scaleLeft, Top + scaleHeight + 18, size: 11);
        c.SavePng(path);
        return (label, Top);
    }

    /// <summary>White (0) to dark blue (1).</summary>
    public static SKColor Shade(double t)
    {
        t = Math.Clamp(t, 0, 1);
        static byte Mix(double a, double b, double t) => (byte)Math.Round(a + ((b - a) * t));
        return new SKColor(Mix(255, 8, t), Mix(255, 48, t), Mix(255, 107, t));
    }

    /// <summary>
    /// The weight-mask image of one matrix: A and B (kept black, pruned white) and a third panel where entries that
    /// agree are light grey (kept) or white (pruned) and entries that differ are red. Matrices wider or taller than
    /// <paramref name="maxSide"/> are shown at Factor x Factor entries per pixel: grey levels are the pruned fraction,
    /// and a pixel with any difference is red, paler the fewer of its entries differ (never paler than 35%).
    /// </summary>
    public static MaskPanels MaskComparison(PackedMask a, PackedMask b, string nameA, string nameB, string path, int maxSide = 512)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (!a.Shape.SequenceEqual(b.Shape) || a.Shape.Length != 2)
        {
            throw new ArgumentException($"{a.Name}: shapes [{string.Join(", ", a.Shape)}] and [{string.Join(", ", b.Shape)}] cannot be compared");
        }

        long rows = a.Shape[0], cols = a.Shape[1];
        int factor = (int)Math.Max(1, (Math.Max(rows, cols) + maxSide - 1) / maxSide);
        int w = (int)((cols + factor - 1) / factor), h = (int)((rows + factor - 1) / factor);
        var (pa, pb, diff) = Blocks(a, b, factor, w, h);
        int left = 10;
        var captions = new[] { nameA, nameB, "differences (red)" };
        var slot = captions.Select(t => Math.Max(w, (int)Math.Ceiling(Canvas.Measure(t, 12)))).ToArray(); // a panel's caption never runs into the next
        int[] lefts = [left, left + slot[0] + Gap, left + slot[0] + Gap + slot[1] + Gap];
        var title = $"{a.Name} ({rows} x {cols}{(factor > 1 ? $", {factor}x{factor} entries per pixel" : "")})";
        using var c = new Canvas(Math.Max(lefts[2] + slot[2], left + (int)Math.Ceiling(Canvas.Measure(title))) + 10, Top + h + 30);
        c.Text(title, left, 22);
        c.Blit(lefts[0], Top, w, h, Pixels(pa, null, w, h));
        c.Blit(lefts[1], Top, w, h, Pixels(pb, null, w, h));
        c.Blit(lefts[2], Top, w, h, Pixels(pa, diff, w, h));
        for (int k = 0; k < 3; k++)
        {
            c.Text(captions[k], lefts[k], Top + h + 18, size: 12);
        }
        c.SavePng(path);
        return new MaskPanels(factor, w, h, lefts, Top);
    }

    /// <summary>Per pixel: pruned fraction in A, in B, and the fraction of entries that differ.</summary>
    private static (float[] A, float[] B, float[] Diff) Blocks(PackedMask a, PackedMask b, int factor, int w, int h)
    {
        long rows = a.Shape[0], cols = a.Shape[1];
        var ca = new int[w * h];
        var cb = new int[w * h];
        var cd = new int[w * h];
        var n = new int[w * h];
        for (long r = 0; r < rows; r++)
        {
            int py = (int)(r / factor);
            for (long col = 0; col < cols; col++)
            {
                long i = (r * cols) + col;
                int word = (int)(i >> 6), bit = (int)(i & 63);
                int x = (int)((a.Words[word] >> bit) & 1), y = (int)((b.Words[word] >> bit) & 1);
                int p = (py * w) + (int)(col / factor);
                ca[p] += x;
                cb[p] += y;
                cd[p] += x ^ y;
                n[p]++;
            }
        }

        float[] Frac(int[] counts) => counts.Select((v, k) => (float)v / n[k]).ToArray();
        return (Frac(ca), Frac(cb), Frac(cd));
    }

    private static byte[] Pixels(float[] pruned, float[]? diff, int w, int h)
    {
        var rgba = new byte[w * h * 4];
        for (int p = 0; p < w * h; p++)
        {
            byte r, g, bl;
            if (diff is not null && diff[p] > 0)
            {
                float s = Math.Max(0.35f, diff[p]);
                r = 255;
                g = bl = (byte)Math.Round(255 * (1 - s));
            }
            else if (diff is not null)
            {
                r = g = bl = (byte)Math.Round(200 + (55 * pruned[p])); // agreement: light grey (kept) to white (pruned)
            }
            else
            {
                r = g = bl = (byte)Math.Round(255 * pruned[p]);
            }

            rgba[(p * 4) + 0] = r;
            rgba[(p * 4) + 1] = g;
            rgba[(p * 4) + 2] = bl;
            rgba[(p * 4) + 3] = 255;
        }

        return rgba;
    }
}
