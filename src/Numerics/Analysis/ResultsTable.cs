using System.Globalization;
using System.Text;
using System.Text.Json;
using Shear.Numerics.Evaluation;

namespace Shear.Numerics.Analysis;

/// <summary>
/// The thesis's results table: one row per calibration dataset (the dense model first), one column per domain
/// (code, csr, translation, math, perplexity), each cell the domain score of that sub-model's eval.json; the best
/// pruned value of each column is marked, ties all (highest, except perplexity: lowest).
/// </summary>
/// <param name="Rows">(row label, domain scores); the dense row, when present, is first and labelled <c>dense</c>.</param>
public sealed record ResultsTable(IReadOnlyList<(string Label, IReadOnlyDictionary<string, double> Scores)> Rows)
{
    /// <summary>Columns, in the thesis's order.</summary>
    public static readonly IReadOnlyList<string> Columns = EvalBenchmarks.Domains;

    /// <summary>Label of the unpruned model's row.</summary>
    public const string Dense = "dense";

    /// <summary>The table of a dense report (optional) and one report per calibration dataset.</summary>
    public static ResultsTable From(EvalReport? dense, IEnumerable<(string Calibration, EvalReport Report)> pruned)
    {
        ArgumentNullException.ThrowIfNull(pruned);
        var rows = new List<(string, IReadOnlyDictionary<string, double>)>();
        if (dense is not null)
        {
            rows.Add((Dense, dense.Domains));
        }

        rows.AddRange(pruned.Select(p => (p.Calibration, p.Report.Domains)));
        return new ResultsTable(rows);
    }

    /// <summary>The row label holding the best pruned value of <paramref name="column"/>, or null when no pruned row has it.</summary>
    public string? Best(string column)
    {
        var candidates = Rows.Where(r => r.Label != Dense && r.Scores.ContainsKey(column)).ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        return (column == "ppl" ? candidates.MinBy(r => r.Scores[column]) : candidates.MaxBy(r => r.Scores[column])).Label;
    }

    /// <summary>Whether <paramref name="label"/>'s value of <paramref name="column"/> equals the best pruned value (ties are all marked).</summary>
    /// <remarks>When every pruned row has the same value, none is marked: there is no best.</remarks>
    public bool IsBest(string label, string column) =>
        label != Dense && Best(column) is { } best && Rows.First(r => r.Label == best).Scores[column] is var top
        && Rows.Any(r => r.Label == label && r.Scores.TryGetValue(column, out var v) && v == top)
        && Rows.Where(r => r.Label != Dense && r.Scores.ContainsKey(column)).Select(r => r.Scores[column]).Distinct().Count() > 1;

    private string Cell((string Label, IReadOnlyDictionary<string, double> Scores) row, string column, bool markdown) =>
        row.Scores.TryGetValue(column, out var v)
            ? (markdown && IsBest(row.Label, column) ? $"**{Value(column, v)}**" : Value(column, v))
            : markdown ? "-" : "";

    private static string Value(string column, double v) =>
        column == "ppl" ? v.ToString("F2", CultureInfo.InvariantCulture) : (100 * v).ToString("F2", CultureInfo.InvariantCulture);

    /// <summary>Markdown: percentages for the four domains, perplexity as is, best pruned value in bold.</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.Append("| calibration | ").AppendJoin(" | ", Columns.Select(c => c == "ppl" ? "ppl (lower is better)" : $"{c} %")).Append(" |\n");
        sb.Append("|---|").AppendJoin("", Columns.Select(_ => "---|")).Append('\n');
        foreach (var row in Rows)
        {
            sb.Append("| ").Append(row.Label).Append(" | ").AppendJoin(" | ", Columns.Select(c => Cell(row, c, true))).Append(" |\n");
        }

        return sb.ToString();
    }

    /// <summary>CSV with raw values (fractions, perplexity) and a last column naming the columns where the row is best.</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder("calibration,").AppendJoin(",", Columns).Append(",best_in\n");
        foreach (var row in Rows)
        {
            sb.Append(row.Label).Append(',')
                .AppendJoin(",", Columns.Select(c => row.Scores.TryGetValue(c, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : ""))
                .Append(',').AppendJoin(";", Columns.Where(c => IsBest(row.Label, c))).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>JSON: rows with scores, and the best row per column.</summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        columns = Columns,
        rows = Rows.Select(r => new { calibration = r.Label, scores = r.Scores }),
        best = Columns.Where(c => Best(c) is not null).ToDictionary(c => c, c => Best(c)),
    }, IO.JsonOptions.Indented);

    /// <summary>An HTML table (best pruned value in bold).</summary>
    public string ToHtml()
    {
        var sb = new StringBuilder("<table><tr><th>calibration</th>");
        foreach (var c in Columns)
        {
            sb.Append("<th>").Append(c == "ppl" ? "ppl (lower is better)" : $"{c} %").Append("</th>");
        }

        sb.Append("</tr>\n");
        foreach (var row in Rows)
        {
            sb.Append("<tr><td>").Append(System.Net.WebUtility.HtmlEncode(row.Label)).Append("</td>");
            foreach (var c in Columns)
            {
                var text = Cell(row, c, false);
                sb.Append(IsBest(row.Label, c) ? $"<td><b>{text}</b></td>" : $"<td>{text}</td>");
            }

            sb.Append("</tr>\n");
        }

        return sb.Append("</table>\n").ToString();
    }
}
