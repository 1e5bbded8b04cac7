using Shear.Grains.Abstractions;
using Shear.Numerics.Analysis;

namespace Shear.Client.Sweeps;

/// <summary>The results table of a sweep: one row per evaluated model (dense first, then the jobs in order), one column per domain.</summary>
internal static class SweepResults
{
    public static ResultsTable Table(SweepStatus status)
    {
        var rows = status.Evaluations.Where(e => e.State == WorkState.Done && e.DomainScore is not null)
            .GroupBy(e => e.Shard.Row)
            .OrderBy(g => g.Key.StartsWith(ResultsTable.Dense, StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(g => Array.FindIndex(status.Jobs, j => g.Any(e => e.Shard.Model == j.Output)))
            .Select(g => (g.Key, (IReadOnlyDictionary<string, double>)g.ToDictionary(e => e.Shard.Domain, e => e.DomainScore!.Value)))
            .ToList();
        return new ResultsTable(rows);
    }

    public static string Format(SweepStatus status, string format) => format switch
    {
        "md" => Table(status).ToMarkdown(),
        "csv" => Table(status).ToCsv(),
        "json" => Table(status).ToJson(),
        _ => throw new ArgumentException($"--format {format}: expected md, csv or json"),
    };
}
