using Shear.Numerics.Analysis;
using Shear.Numerics.Evaluation;

namespace Shear.Numerics.Tests.Analysis;

public sealed class ResultsTableTests
{
    private static EvalReport Report(double code, double? codeSe, double csr, double? csrSe, double pplCode, double? pplCodeSe, double? pplMath = null, double? pplMathSe = null)
    {
        var results = new List<BenchmarkResult>
        {
            new("code", "humaneval", "pass@1", code, 20, codeSe),
            new("csr", "builtin_commonsense", "acc", csr, 20, csrSe),
            new("ppl", "ppl/code", "perplexity", pplCode, 32, pplCodeSe),
        };
        if (pplMath is { } m)
        {
            results.Add(new("ppl", "ppl/math", "perplexity", m, 32, pplMathSe));
        }

        return LocalEvalJob.Report("m", results, 1);
    }

    // Hand-made: code calibration leads code by 0.20 (> 2 x sqrt(2) x 0.05 = 0.141: separated); math calibration leads
    // csr by 0.05 (< 2 x sqrt(2) x 0.10 = 0.283: tie); ppl code 12 vs 14 (> 1.414: separated); ppl math 2.5 vs 2.9
    // (0.4 > 0.283: separated).
    private static ResultsTable Table() => ResultsTable.From(Report(0.30, null, 0.60, null, 10.0, null), [
        ("builtin_code", Report(0.50, 0.05, 0.50, 0.10, 12.0, 0.5, 3.0, 0.1)),
        ("builtin_math", Report(0.20, 0.05, 0.55, 0.10, 14.0, 0.5, 2.5, 0.1)),
        ("c4", Report(0.30, 0.05, 0.52, 0.10, 15.0, 0.5, 2.9, 0.1))]);

    [Fact]
    public void ColumnsAreTheDomainScoresThenEachPerplexitySet() =>
        Assert.Equal(["code", "csr", "ppl/code", "ppl/math"], Table().Columns);

    [Fact]
    public void BestOnlyWhereSeparatedByTwiceTheStandardErrorElseTie()
    {
        var t = Table();
        Assert.Equal("builtin_code", t.Verdict("code"));
        Assert.Equal(ResultsTable.Tie, t.Verdict("csr"));
        Assert.Equal("builtin_code", t.Verdict("ppl/code")); // lower is better
        Assert.Equal("builtin_math", t.Verdict("ppl/math"));
        Assert.True(t.IsBest("builtin_code", "code"));
        Assert.False(t.IsBest("builtin_math", "csr"));
        Assert.False(t.IsBest(ResultsTable.Dense, "csr")); // the dense row is never compared
    }

    [Fact]
    public void OwnDomainCellsFollowTheCalibrationSetsDomain()
    {
        Assert.True(ResultsTable.IsOwn("builtin_code", "code") && ResultsTable.IsOwn("builtin_code", "ppl/code"));
        Assert.True(ResultsTable.IsOwn("2:4 builtin_commonsense", "csr") && ResultsTable.IsOwn("builtin_commonsense", "ppl/commonsense"));
        Assert.True(ResultsTable.IsOwn("wikitext2", "ppl/text") && !ResultsTable.IsOwn("wikitext2", "ppl/wikitext2"));
        Assert.False(ResultsTable.IsOwn("builtin_code", "math") || ResultsTable.IsOwn(ResultsTable.Dense, "code") || ResultsTable.IsOwn("mine", "code"));
    }

    [Fact]
    public void MarkdownShowsStandardErrorsOwnCellsAndVerdicts() => Assert.Equal(
        "| calibration | code % | csr % | ppl code | ppl math |\n" +
        "|---|---|---|---|---|\n" +
        "| dense | 30.00 | 60.00 | 10.00 | - |\n" +
        "| builtin_code | **[50.00 ± 5.00]** | 50.00 ± 10.00 | **[12.00 ± 0.50]** | 3.00 ± 0.10 |\n" +
        "| builtin_math | 20.00 ± 5.00 | 55.00 ± 10.00 | 14.00 ± 0.50 | **[2.50 ± 0.10]** |\n" +
        "| c4 | 30.00 ± 5.00 | 52.00 ± 10.00 | 15.00 ± 0.50 | 2.90 ± 0.10 |\n" +
        "| best | builtin_code | tie | builtin_code | builtin_math |\n",
        Table().ToMarkdown());

    [Fact]
    public void CsvKeepsRawValuesStandardErrorsBestAndOwnColumns()
    {
        var lines = Table().ToCsv().Split('\n');
        Assert.Equal("calibration,code,code_stderr,csr,csr_stderr,ppl/code,ppl/code_stderr,ppl/math,ppl/math_stderr,best_in,own", lines[0]);
        Assert.Equal("dense,0.3,,0.6,,10,,,,,", lines[1]);
        Assert.Equal("builtin_math,0.2,0.05,0.55,0.1,14,0.5,2.5,0.1,ppl/math,ppl/math", lines[3]);
    }

    [Fact]
    public void JsonAndHtmlCarryTheSameVerdicts()
    {
        var t = Table();
        using var doc = System.Text.Json.JsonDocument.Parse(t.ToJson());
        Assert.Equal("tie", doc.RootElement.GetProperty("best").GetProperty("").GetProperty("csr").GetString());
        Assert.Equal(0.05, doc.RootElement.GetProperty("rows")[1].GetProperty("stderr").GetProperty("code").GetDouble(), 12);
        Assert.Contains("<td class=\"own\"><b>2.50 &#177; 0.10</b></td>", t.ToHtml(), StringComparison.Ordinal);
    }

    [Fact]
    public void RowsAreComparedWithinTheirMethodOrPatternGroup()
    {
        var t = ResultsTable.From(null, [
            ("2:4 builtin_code", Report(0.10, 0.01, 0.5, null, 30, 1)), ("2:4 builtin_math", Report(0.05, 0.01, 0.5, null, 31, 1)),
            ("unstructured builtin_code", Report(0.40, 0.01, 0.5, null, 12, 1)), ("unstructured builtin_math", Report(0.45, 0.01, 0.5, null, 20, 1))]);
        Assert.Equal(["2:4", "unstructured"], t.Groups);
        Assert.Equal("2:4 builtin_code", t.Verdict("code", "2:4"));     // 0.05 apart, > 2 x 0.0141
        Assert.Equal("unstructured builtin_math", t.Verdict("code", "unstructured"));
        Assert.Equal(ResultsTable.Tie, t.Verdict("ppl/code", "2:4"));   // 1 apart, < 2 x 1.414
        Assert.Equal(ResultsTable.Tie, t.Verdict("csr", "2:4"));        // equal values without standard errors
        Assert.Contains("| best (unstructured) | builtin_math | tie | builtin_code |", t.ToMarkdown(), StringComparison.Ordinal);
    }

    [Fact]
    public void ASingleRowHasNoVerdict() =>
        Assert.Null(ResultsTable.From(null, [("builtin_code", Report(0.1, 0.01, 0.5, 0.1, 30, 1))]).Verdict("code"));

    [Fact]
    public void EvalJsonCarriesStandardErrorsAndReadsFilesWithout()
    {
        var report = Report(0.5, 0.05, 0.5, 0.1, 12, 0.5);
        var json = System.Text.Json.JsonSerializer.Serialize(report);
        Assert.Contains("\"stderr\":0.05", json, StringComparison.Ordinal);
        Assert.Contains("\"domain_stderr\":{\"code\":0.05,\"csr\":0.1,\"ppl\":0.5}", json, StringComparison.Ordinal);
        var old = System.Text.Json.JsonSerializer.Deserialize<EvalReport>(
            "{\"model\":\"m\",\"results\":[{\"domain\":\"csr\",\"benchmark\":\"b\",\"metric\":\"acc\",\"value\":0.5,\"items\":2}],\"domains\":{\"csr\":0.5},\"seconds\":1}")!;
        Assert.Null(old.Results[0].StdErr);
    }

    [Fact]
    public void RowsScoredOnTheSameItemsAreComparedItemByItem()
    {
        // Window NLLs that vary a lot between windows (a wide SE per model) but differ by 0.1 in every window: the
        // unpaired rule calls it a tie (|ppl difference| < 2 x sqrt(SE_a^2 + SE_b^2)); the paired one sees a
        // constant difference and separates them. Items that do not pair up fall back to the unpaired rule.
        static BenchmarkResult Ppl(double[] nlls) => BenchmarkResult.Of("ppl", "ppl/code", "perplexity",
            new Measured(Math.Exp(nlls.Average()), StandardError.OfPerplexity(nlls), nlls), nlls.Length);
        static EvalReport R(params BenchmarkResult[] r) => LocalEvalJob.Report("m", r, 0);
        var paired = ResultsTable.From(null, [("builtin_code", R(Ppl([2.0, 4.0, 6.0]))), ("builtin_math", R(Ppl([2.1, 4.1, 6.1])))]);
        Assert.Equal("builtin_code", paired.Verdict("ppl/code"));
        var unpaired = ResultsTable.From(null, [("builtin_code", R(Ppl([2.0, 4.0, 6.0]))), ("builtin_math", R(Ppl([2.1, 4.1, 6.1, 4.1])))]);
        Assert.Equal(ResultsTable.Tie, unpaired.Verdict("ppl/code"));
    }

    [Fact]
    public void RetentionOfAScoreIsTheRatioWithTheDeltaMethodsPairedStandardError()
    {
        // Dense [1,0,1,1] (0.75), row [1,0,0,1] (0.5) on the same 4 items: R = 2/3; Var(X) = 1/12, Var(D) = 1/16,
        // Cov = 1/24; Var(R) = R^2 (Var X / X^2 + Var D / D^2 - 2 Cov / (X D)) = 4/9 x (1/3 + 1/9 - 2/9) = 8/81.
        var dense = new ResultCell(new Estimate(0.75, null), [[1, 0, 1, 1]]);
        var row = new ResultCell(new Estimate(0.5, null), [[1, 0, 0, 1]]);
        var r = ResultsTable.Retained("math", row, dense);
        Assert.Equal(2.0 / 3, r.Value, 12);
        Assert.Equal(Math.Sqrt(8.0 / 81), r.Estimate.StdErr!.Value, 12);

        // Not paired (no items): the two relative errors in quadrature.
        var independent = ResultsTable.Retained("math", new ResultCell(new Estimate(0.5, 0.05)), new ResultCell(new Estimate(0.75, 0.03)));
        Assert.Equal(2.0 / 3 * Math.Sqrt((0.1 * 0.1) + (0.04 * 0.04)), independent.Estimate.StdErr!.Value, 12);
    }

    [Fact]
    public void RetentionOfPerplexityIsDenseOverRowWithThePairedNllDifference()
    {
        // Window NLLs dense [1.0, 2.0], row [1.5, 2.1]: R = exp(1.5) / exp(1.8) = exp(-0.3); differences -0.5, -0.1:
        // their mean's standard error 0.2, times R.
        var dense = new ResultCell(new Estimate(Math.Exp(1.5), null), [[1.0, 2.0]]);
        var row = new ResultCell(new Estimate(Math.Exp(1.8), null), [[1.5, 2.1]]);
        var r = ResultsTable.Retained("ppl/code", row, dense);
        Assert.Equal(Math.Exp(-0.3), r.Value, 12);
        Assert.Equal(Math.Exp(-0.3) * 0.2, r.Estimate.StdErr!.Value, 12);
    }

    [Fact]
    public void TheRetentionTableShowsPercentOfDenseAndPicksTheHighestEverywhere()
    {
        var dense = new ResultsRow(ResultsTable.Dense, new Dictionary<string, ResultCell>
        {
            ["math"] = new(new Estimate(0.5, null), [[1, 0, 1, 0, 1, 0, 1, 0]]),
            ["ppl/code"] = new(new Estimate(Math.Exp(1.0), null), [[1.0, 1.0, 1.0, 1.0]]),
        });
        ResultsRow Row(string label, double[] math, double[] nll) => new(label, new Dictionary<string, ResultCell>
        {
            ["math"] = new(new Estimate(math.Average(), null), [math]),
            ["ppl/code"] = new(new Estimate(Math.Exp(nll.Average()), null), [nll]),
        });
        var table = new ResultsTable([dense, Row("builtin_code", [1, 0, 1, 0, 1, 0, 1, 0], [1.1, 1.1, 1.1, 1.1]), Row("builtin_math", [0, 0, 0, 0, 0, 0, 0, 1], [3.0, 3.1, 2.9, 3.0])]);
        var retention = table.Retention();
        Assert.True(retention.IsRetention);
        Assert.Equal("100.00 ± 0.00", retention.Text(retention.Rows[0], "math"));
        Assert.Equal("100.00 ± 0.00", retention.Text(retention.Rows[1], "math")); // the same items as dense
        Assert.Equal("ppl code % of dense", retention.Heading("ppl/code"));
        Assert.Equal("builtin_code", retention.Verdict("ppl/code")); // higher retention wins: exp(-0.1) against exp(-2)
        Assert.Equal("builtin_code", table.Verdict("ppl/code"));     // the raw table agrees: lower perplexity
        Assert.Contains("| builtin_math | [25.00 ± ", retention.ToMarkdown(), StringComparison.Ordinal); // its own domain, bracketed
    }
}
