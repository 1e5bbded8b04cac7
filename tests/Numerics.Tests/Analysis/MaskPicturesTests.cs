using Shear.Numerics.Analysis;
using SkiaSharp;

namespace Shear.Numerics.Tests.Analysis;

public sealed class MaskPicturesTests
{
    private const string Q0 = "model.layers.0.self_attn.q_proj";

    private static SKBitmap Decode(string path)
    {
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(path)[..4]);
        return SKBitmap.Decode(path);
    }

    private static PackedMask Mask(int[][] rows) =>
        MaskSet.Load(MaskSimilarityTests.Folder(new() { [Q0] = rows })).Masks[0];

    [Fact]
    public void MaskComparisonMarksTheDifferingEntryRed()
    {
        var a = Mask([[1, 0, 1, 0], [0, 0, 1, 1]]);
        var b = Mask([[1, 0, 0, 0], [0, 0, 1, 1]]);   // (0, 2) differs
        var path = Path.Combine(Fixtures.TempDir(), "mask.png");
        var panels = MaskPictures.MaskComparison(a, b, "a", "b", path);
        Assert.Equal((1, 4, 2), (panels.Factor, panels.PanelWidth, panels.PanelHeight));
        using var png = Decode(path);
        Assert.True(png.Width >= panels.Left[2] + 4 + 10);
        Assert.Equal(panels.Top + 2 + 30, png.Height);
        Assert.Empty(Canvas.LastSavedClipped!);
        SKColor At(int panel, int row, int col) => png.GetPixel(panels.Left[panel] + col, panels.Top + row);
        Assert.Equal(SKColors.White, At(0, 0, 0));                       // pruned
        Assert.Equal(new SKColor(0, 0, 0), At(0, 0, 1));                  // kept
        Assert.Equal(new SKColor(255, 255, 255), At(0, 0, 2));            // pruned in A
        Assert.Equal(new SKColor(0, 0, 0), At(1, 0, 2));                  // kept in B
        Assert.Equal(new SKColor(255, 0, 0), At(2, 0, 2));                // differs: red
        Assert.Equal(new SKColor(255, 255, 255), At(2, 0, 0));            // both pruned
        Assert.Equal(new SKColor(200, 200, 200), At(2, 0, 1));            // both kept
    }

    [Fact]
    public void LargeMatricesAreDownsampledAndAOneEntryDifferenceStaysVisible()
    {
        var rowsA = Enumerable.Range(0, 1024).Select(r => Enumerable.Range(0, 1024).Select(c => (r + c) % 2).ToArray()).ToArray();
        var rowsB = rowsA.Select(r => r.ToArray()).ToArray();
        rowsB[10][20] ^= 1;
        var path = Path.Combine(Fixtures.TempDir(), "mask.png");
        var panels = MaskPictures.MaskComparison(Mask(rowsA), Mask(rowsB), "a", "b", path, maxSide: 512);
        Assert.Equal((2, 512, 512), (panels.Factor, panels.PanelWidth, panels.PanelHeight));
        using var png = Decode(path);
        // Every 2x2 block of a checkerboard is half pruned: grey 128 in A; agreement grey 200 + 55/2 = 227.5 -> 228.
        Assert.Equal(new SKColor(128, 128, 128), png.GetPixel(panels.Left[0] + 100, panels.Top + 100));
        Assert.Equal(new SKColor(228, 228, 228), png.GetPixel(panels.Left[2] + 100, panels.Top + 100));
        // Entry (10, 20) is in pixel (5, 10); 1 of its 4 entries differs -> red at the 35% floor: 255·0.65 = 165.75 -> 166.
        Assert.Equal(new SKColor(255, 166, 166), png.GetPixel(panels.Left[2] + 10, panels.Top + 5));
    }

    [Fact]
    public void LayerBarsHaveOneBarPerLayerAtItsHeight()
    {
        var a = MaskSet.Load(MaskSimilarityTests.Folder(new()
        {
            ["model.layers.0.self_attn.q_proj"] = [[1, 0, 1, 0]],
            ["model.layers.1.self_attn.q_proj"] = [[1, 0, 1, 0]],
        }), "a");
        var b = MaskSet.Load(MaskSimilarityTests.Folder(new()
        {
            ["model.layers.0.self_attn.q_proj"] = [[1, 0, 1, 0]],   // distance 0
            ["model.layers.1.self_attn.q_proj"] = [[1, 1, 0, 0]],   // J = 1/3, distance 2/3
        }), "b");
        var s = MaskSimilarity.Compare(a, b);
        var path = Path.Combine(Fixtures.TempDir(), "bars.png");
        MaskPictures.LayerDistances(s, path);
        using var png = Decode(path);
        // Two layers: bars 40 px wide from x = 60; y from 40 (top, 0.7 = ceil(2/3 * 20)/20) to 340 (0).
        Assert.Equal(390, png.Height);
        Assert.True(png.Width >= 360);
        Assert.Empty(Canvas.LastSavedClipped!);
        Assert.Equal(MaskPictures.Bar, png.GetPixel(60 + 40 + 20, 300));   // layer 1's bar, low down
        Assert.Equal(MaskPictures.Bar, png.GetPixel(60 + 40 + 20, 340 - (int)(300 * (2.0 / 3) / 0.7) + 3)); // just under its top
        Assert.NotEqual(MaskPictures.Bar, png.GetPixel(60 + 20, 300));      // layer 0: distance 0, no bar
    }

    [Fact]
    public void HeatmapCellsAreShadedByDistance()
    {
        var path = Path.Combine(Fixtures.TempDir(), "heat.png");
        var (left, top) = MaskPictures.DistanceHeatmap(["x", "y", "z"], new double[,] { { 0, 0.2, 0.4 }, { 0.2, 0, 0.1 }, { 0.4, 0.1, 0 } }, path);
        using var png = Decode(path);
        Assert.Empty(Canvas.LastSavedClipped!);
        SKColor Cell(int i, int j) => png.GetPixel(left + (j * MaskPictures.Cell) + 3, top + (i * MaskPictures.Cell) + 3);
        Assert.Equal(SKColors.White, Cell(0, 0));
        Assert.Equal(MaskPictures.Shade(1.0), Cell(0, 2));      // the largest distance: darkest
        Assert.Equal(MaskPictures.Shade(0.5), Cell(1, 0));      // 0.2 / 0.4
        Assert.Equal(new SKColor(8, 48, 107), MaskPictures.Shade(1.0));

        // The colour scale right of the grid: the largest distance at the top, 0 at the bottom of its 168 px (3 cells).
        int scale = left + (3 * MaskPictures.Cell) + 16 + (MaskPictures.ScaleWidth / 2);
        Assert.Equal(MaskPictures.Shade(1.0), png.GetPixel(scale, top));
        Assert.Equal(MaskPictures.Shade(0.0), png.GetPixel(scale, top + (3 * MaskPictures.Cell) - 1));
        Assert.Equal(MaskPictures.Shade(1 - (84.0 / 167)), png.GetPixel(scale, top + 84)); // row y of 168 has shade 1 - y / 167
    }

    [Fact]
    public void LongNamesAndTitlesAreNeverCutOff()
    {
        // Sweep row labels are long ("unstructured builtin_python_alpaca"); every picture grows to fit its texts.
        string[] names = ["unstructured builtin_python_alpaca", "2:4 builtin_commonsense", "x"];
        var dir = Fixtures.TempDir();
        MaskPictures.DistanceHeatmap(names, new double[,] { { 0, 0.2, 0.4 }, { 0.2, 0, 0.1 }, { 0.4, 0.1, 0 } }, Path.Combine(dir, "heat.png"));
        Assert.Empty(Canvas.LastSavedClipped!);
        var a = MaskSet.Load(MaskSimilarityTests.Folder(new() { [Q0] = [[1, 0, 1, 0]] }), names[0]);
        var b = MaskSet.Load(MaskSimilarityTests.Folder(new() { [Q0] = [[1, 1, 0, 0]] }), names[1]);
        MaskPictures.LayerDistances(MaskSimilarity.Compare(a, b), Path.Combine(dir, "bars.png"));
        Assert.Empty(Canvas.LastSavedClipped!);
        MaskPictures.MaskComparison(a.Masks[0], b.Masks[0], names[0], names[1], Path.Combine(dir, "mask.png"));
        Assert.Empty(Canvas.LastSavedClipped!);

        // The check itself: a text drawn past the edge is reported.
        using var c = new Canvas(40, 40);
        c.Text(names[0], 10, 20);
        Assert.Equal([names[0]], c.Clipped);
    }

    [Fact]
    public void TitlesAreDrawnWhenAFontIsInstalled()
    {
        if (!MaskPictures.HasLabels)
        {
            Assert.Skip("no font file: apt-get install fonts-dejavu-core (.ci/run installs it)");
        }

        var path = Path.Combine(Fixtures.TempDir(), "heat.png");
        MaskPictures.DistanceHeatmap(["x", "y"], new double[,] { { 0, 0.5 }, { 0.5, 0 } }, path);
        using var png = Decode(path);
        // The title is drawn from the grid's left edge (or further left when the picture is narrower than it) on the baseline y = 22.
        bool inked = Enumerable.Range(0, png.Width).Any(x => Enumerable.Range(10, 14).Any(y => png.GetPixel(x, y).Red < 128));
        Assert.True(inked);
    }
}
