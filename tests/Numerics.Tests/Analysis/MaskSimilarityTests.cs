using Shear.Numerics.Analysis;
using Shear.Numerics.Checkpoints;
using Shear.Numerics.Pruning;
using static TorchSharp.torch;

namespace Shear.Numerics.Tests.Analysis;

public sealed class MaskSimilarityTests
{
    /// <summary>Writes mask files (name -> rows of 0/1) into a fresh folder's masks/.</summary>
    internal static string Folder(Dictionary<string, int[][]> masks)
    {
        var dir = Fixtures.TempDir();
        Directory.CreateDirectory(Path.Combine(dir, "masks"));
        foreach (var (name, rows) in masks)
        {
            using var t = tensor(rows.SelectMany(r => r.Select(v => v != 0)).ToArray(), [rows.Length, rows[0].Length]);
            MaskFile.Write(Path.Combine(dir, "masks", MaskFile.FileName(name)), t);
        }

        return dir;
    }

    private const string Q0 = "model.layers.0.self_attn.q_proj", Up0 = "model.layers.0.mlp.up_proj", Q1 = "model.layers.1.self_attn.q_proj";

    [Fact]
    public void HandCountsAtEveryLevel()
    {
        var a = MaskSet.Load(Folder(new()
        {
            [Q0] = [[1, 1, 0, 0], [0, 0, 1, 1]],
            [Up0] = [[1, 1, 1], [1, 1, 0], [0, 0, 0]],      // entries 0..4 pruned (crosses a byte boundary)
            [Q1] = [[1, 0, 1, 0], [0, 1, 0, 1]],
        }), "a");
        var b = MaskSet.Load(Folder(new()
        {
            [Q0] = [[1, 0, 1, 0], [0, 0, 1, 0]],
            [Up0] = [[0, 0, 0], [1, 1, 1], [1, 1, 1]],      // entries 3..8 pruned
            [Q1] = [[1, 0, 1, 0], [0, 1, 0, 1]],
        }), "b");
        var s = MaskSimilarity.Compare(a, b);
        // q_proj: A∩B = {(0,0), (1,2)} = 2, A∪B = {(0,0),(0,1),(0,2),(1,2),(1,3)} = 5.
        Assert.Equal(new JaccardCounts(2, 5, 4, 3, 8), s.Matrices[Q0]);
        Assert.Equal(0.4, s.Matrices[Q0].Similarity, 12);
        // up_proj: {0..4} ∩ {3..8} = {3, 4}, union = all 9.
        Assert.Equal(new JaccardCounts(2, 9, 5, 6, 9), s.Matrices[Up0]);
        Assert.Equal(1 - (2.0 / 9), s.Matrices[Up0].Distance, 12);
        // Layer 0 concatenates both: 4 / 14. Layer 1 identical: distance 0.
        Assert.Equal(4.0 / 14, s.Layers[0].Similarity, 12);
        Assert.Equal(0.0, s.Layers[1].Distance, 12);
        // Whole model: (4 + 4) / (14 + 4).
        Assert.Equal(8.0 / 18, s.Model.Similarity, 12);
        Assert.Equal(["mlp.up_proj", "self_attn.q_proj", "self_attn.q_proj"], a.Masks.Select(m => m.Matrix));
    }

    [Fact]
    public void ComplementaryMasksAreAtDistanceOne()
    {
        var a = MaskSet.Load(Folder(new() { [Q0] = [[1, 0, 1, 0], [0, 1, 0, 1]] }), "a");
        var b = MaskSet.Load(Folder(new() { [Q0] = [[0, 1, 0, 1], [1, 0, 1, 0]] }), "b");
        var s = MaskSimilarity.Compare(a, b);
        Assert.Equal(0.0, s.Model.Similarity);
        Assert.Equal(1.0, s.Model.Distance);
        Assert.Equal(1.0 / 3, s.Model.ChanceSimilarity, 12); // 50% and 50%: 0.25 / 0.75
    }

    [Fact]
    public void RandomHalfMasksAreAboutOneThirdSimilar()
    {
        // Each row keeps exactly half (as Wanda's per-row 50%). With n = 256·512 entries, |A| = |B| = n/2 and |A∩B| has
        // mean n/4 and standard deviation about sqrt(n)/4 ≈ 90; J = I / (n − I) moves by 16/(9n) per unit of I, so J's
        // standard deviation is about 0.0012: a tolerance of 0.01 is over eight of them.
        var gen = new Random(7);
        int[] Row()
        {
            var row = new int[512];
            foreach (int c in Enumerable.Range(0, 512).OrderBy(_ => gen.Next()).Take(256))
            {
                row[c] = 1;
            }

            return row;
        }

        int[][] Half() => [.. Enumerable.Range(0, 256).Select(_ => Row())];
        var s = MaskSimilarity.Compare(MaskSet.Load(Folder(new() { [Q0] = Half() }), "a"), MaskSet.Load(Folder(new() { [Q0] = Half() }), "b"));
        Assert.Equal(1.0 / 3, s.Model.Similarity, 0.01);
        Assert.Equal(1.0 / 3, s.Model.ChanceSimilarity, 12);
    }

    [Fact]
    public void MismatchedShapesNameTheMatrix()
    {
        var a = MaskSet.Load(Folder(new() { [Q0] = [[1, 0, 1, 0], [0, 1, 0, 1]] }), "a");
        var b = MaskSet.Load(Folder(new() { [Q0] = [[1, 0], [0, 1], [1, 1], [0, 0]] }), "b");
        var e = Assert.Throws<ArgumentException>(() => MaskSimilarity.Compare(a, b));
        Assert.Equal($"{Q0}: shape [2, 4] in a but [4, 2] in b", e.Message);
    }

    [Fact]
    public void DifferentModelsNameTheMissingMatrix()
    {
        var a = MaskSet.Load(Folder(new() { [Q0] = [[1, 0]], [Q1] = [[1, 0]] }), "a");
        var b = MaskSet.Load(Folder(new() { [Q0] = [[1, 0]] }), "b");
        Assert.Equal($"{Q1}: in a but not in b (different models?)", Assert.Throws<ArgumentException>(() => MaskSimilarity.Compare(a, b)).Message);
        Assert.Equal($"{Q1}: in a but not in b (different models?)", Assert.Throws<ArgumentException>(() => MaskSimilarity.Compare(b, a)).Message);
    }

    [Fact]
    public void EmptyFolderSaysSo()
    {
        var dir = Fixtures.TempDir();
        var e = Assert.Throws<CheckpointFormatException>(() => MaskSet.Load(dir));
        Assert.Contains("no mask files (*.mask.safetensors) in it or in its masks/ folder", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PackedMaskReadsTheSameBitsAsMaskFile()
    {
        var dir = Folder(new() { [Q0] = [[1, 0, 0, 1, 1], [0, 1, 1, 0, 1]] });
        var packed = MaskSet.Load(dir).Masks[0];
        using var t = MaskFile.Read(Path.Combine(dir, "masks", MaskFile.FileName(Q0)));
        for (int r = 0; r < 2; r++)
        {
            for (int c = 0; c < 5; c++)
            {
                Assert.Equal(t[r, c].item<bool>(), packed[r, c]);
            }
        }
    }
}
