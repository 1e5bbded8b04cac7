using Shear.Grains.Abstractions;
using Shear.Numerics.Analysis;
using Shear.Numerics.Evaluation;

namespace Shear.Client.Sweeps;

/// <summary>The results table of a sweep: one row per evaluated model (dense first, then the jobs in order), its cells from the shards' scores.</summary>
internal static class SweepResults
{
    /// <summary>Every finished shard's results by row, the dense row first, then the jobs in order.</summary>
    public static List<(string Row, List<BenchmarkResult> Results)> Results(SweepStatus status) =>
        status.Evaluations.Where(e => e.State == WorkState.Done)
            .GroupBy(e => e.Shard.Row)
            .OrderBy(g => g.Key.StartsWith(ResultsTable.Dense, StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(g => Array.FindIndex(status.Jobs, j => g.Any(e => e.Shard.Model == j.Output)))
            .Select(g => (g.Key, g.SelectMany(e => e.Scores).Select(s => new BenchmarkResult(s.Domain, s.Benchmark, s.Metric, s.Value, s.Items, s.StdErr, s.PerItem)).ToList()))
            .ToList();

    public static ResultsTable Table(SweepStatus status) => new([.. Results(status).Select(r => ResultsTable.Row(r.Row, r.Results))]);

    public static string Format(SweepStatus status, string format) => format switch
    {
        "md" => Table(status).ToMarkdown(),
        "csv" => Table(status).ToCsv(),
        "json" => Table(status).ToJson(),
        _ => throw new ArgumentException($"--format {format}: expected md, csv or json"),
    };
}
