using Shear.Numerics.Analysis;
using Shear.Numerics.Evaluation;
using Shear.Numerics.IO;

namespace Shear.Numerics.Tests.Analysis;

public sealed class ComparisonReportTests
{
    private const string Q0 = "model.layers.0.self_attn.q_proj";

    private static MaskSet Set(string name, int[][] rows) => MaskSet.Load(MaskSimilarityTests.Folder(new() { [Q0] = rows }), name);

    [Fact]
    public void WritesEveryPartAndEmbedsThePictures()
    {
        var sets = new[] { Set("c4", [[1, 0, 1, 0]]), Set("code", [[1, 1, 0, 0]]), Set("math", [[0, 1, 0, 1]]) };
        var eval = new EvalReport("m", [], new Dictionary<string, double> { ["csr"] = 0.5 }, 1);
        var output = Path.Combine(Fixtures.TempDir(), "report");
        var pairs = ComparisonReport.Write(new ComparisonInput(sets, new Dictionary<string, EvalReport> { ["c4"] = eval, ["math"] = eval }, eval), output);
        Assert.Equal([("c4", "code"), ("c4", "math"), ("code", "math")], pairs.Select(p => (p.A, p.B)));
        Assert.Equal(1.0 / 3, pairs[0].Model.Similarity, 12);     // {0,2} vs {0,1}
        Assert.Equal(1.0, pairs[1].Model.Distance, 12);            // complementary
        var files = Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            [".shear-output", "distance_heatmap.png", "layers_c4_vs_code.png", "layers_c4_vs_math.png", "layers_code_vs_math.png", "mask_0_self_attn_q_proj.png",
             "report.html", "results.csv", "results.json", "results.md", "retention.csv", "retention.md", "similarity.json"], files); // a dense evaluation: retention too
        var html = File.ReadAllText(Path.Combine(output, "report.html"));
        Assert.Equal(5, html.Split("src=\"data:image/png;base64,").Length - 1);
        Assert.Equal(["calibration", "dense", "c4", "math"], File.ReadAllLines(Path.Combine(output, "results.csv")).Select(l => l.Split(',')[0]));

        // The report carries Shear's marker, so the next run's report may replace it; a folder of the user's may not be.
        Assert.Equal("report", File.ReadAllText(Path.Combine(output, OutputFolder.OwnerMarker)).Trim());
        Assert.True(OutputFolder.Holds(output, OutputKind.Report));
        Assert.False(OutputFolder.Holds(output, OutputKind.SubModel));
        var mine = Fixtures.TempDir();
        File.WriteAllText(Path.Combine(mine, "report.html"), "mine");
        Assert.False(OutputFolder.Holds(mine, OutputKind.Report));
    }

    [Fact]
    public void OneSubModelIsNotAComparison() =>
        Assert.Equal("need at least two sub-models to compare, got 1",
            Assert.Throws<ArgumentException>(() => ComparisonReport.Write(new ComparisonInput([Set("a", [[1, 0]])], new Dictionary<string, EvalReport>(), null), Fixtures.TempDir())).Message);
}
