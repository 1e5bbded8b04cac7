using Shear.Numerics.Analysis;
using Shear.Numerics.Evaluation;

namespace Shear.Numerics.Tests.Analysis;

public sealed class ResultsTableTests
{
    private static EvalReport Report(double code, double csr, double ppl) =>
        new("m", [], new Dictionary<string, double> { ["code"] = code, ["csr"] = csr, ["ppl"] = ppl }, 1);

    private static ResultsTable Table() => ResultsTable.From(Report(0.30, 0.60, 10.0),
        [("c4", Report(0.10, 0.55, 14.0)), ("code", Report(0.20, 0.50, 15.5)), ("math", Report(0.05, 0.58, 13.25))]);

    [Fact]
    public void BestPrunedValuePerColumnIgnoresDenseAndLowerPerplexityWins()
    {
        var t = Table();
        Assert.Equal("code", t.Best("code"));
        Assert.Equal("math", t.Best("csr"));
        Assert.Equal("math", t.Best("ppl"));
        Assert.Null(t.Best("translation"));
    }

    [Fact]
    public void MarkdownIsTheThesisTable() => Assert.Equal(
        "| calibration | code % | csr % | translation % | math % | ppl (lower is better) |\n" +
        "|---|---|---|---|---|---|\n" +
        "| dense | 30.00 | 60.00 | - | - | 10.00 |\n" +
        "| c4 | 10.00 | 55.00 | - | - | 14.00 |\n" +
        "| code | **20.00** | 50.00 | - | - | 15.50 |\n" +
        "| math | 5.00 | **58.00** | - | - | **13.25** |\n",
        Table().ToMarkdown());

    [Fact]
    public void CsvKeepsRawValuesAndNamesBestColumns()
    {
        var lines = Table().ToCsv().Split('\n');
        Assert.Equal("calibration,code,csr,translation,math,ppl,best_in", lines[0]);
        Assert.Equal("dense,0.3,0.6,,,10,", lines[1]);
        Assert.Equal("math,0.05,0.58,,,13.25,csr;ppl", lines[4]);
    }

    [Fact]
    public void JsonAndHtmlCarryTheSameBest()
    {
        var t = Table();
        using var doc = System.Text.Json.JsonDocument.Parse(t.ToJson());
        Assert.Equal("math", doc.RootElement.GetProperty("best").GetProperty("ppl").GetString());
        Assert.Equal("dense", doc.RootElement.GetProperty("rows")[0].GetProperty("calibration").GetString());
        Assert.Contains("<td><b>13.25</b></td>", t.ToHtml(), StringComparison.Ordinal);
    }

    [Fact]
    public void TiesAreAllMarkedAndAColumnWhereAllTieHasNoBest()
    {
        var t = ResultsTable.From(null, [("a", Report(0.5, 0.5, 10)), ("b", Report(0.5, 0.4, 10)), ("c", Report(0.4, 0.4, 10))]);
        Assert.True(t.IsBest("a", "code") && t.IsBest("b", "code") && !t.IsBest("c", "code"));
        Assert.True(t.IsBest("a", "csr") && !t.IsBest("b", "csr"));
        Assert.False(t.IsBest("a", "ppl") || t.IsBest("b", "ppl") || t.IsBest("c", "ppl"));
        Assert.Contains("| b | **50.00** | 40.00 | - | - | 10.00 |", t.ToMarkdown(), StringComparison.Ordinal);
    }
}
