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

    /// <summary>The table as text; with <paramref name="retention"/>, each cell as a fraction of the dense row's.</summary>
    /// <exception cref="ArgumentException">An unknown format, or retention without an evaluated dense row.</exception>
    public static string Format(SweepStatus status, string format, bool retention = false)
    {
        var table = Table(status);
        if (retention)
        {
            table = table.Rows.Any(r => r.Label == ResultsTable.Dense) ? table.Retention()
                : throw new ArgumentException("--retention: the sweep has no evaluated dense row (a sweep with domains evaluates its base models)");
        }

        return format switch
        {
            "md" => table.ToMarkdown(),
            "csv" => table.ToCsv(),
            "json" => table.ToJson(),
            _ => throw new ArgumentException($"--format {format}: expected md, csv or json"),
        };
    }
}
