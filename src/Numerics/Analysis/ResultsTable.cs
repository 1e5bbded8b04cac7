using System.Globalization;
using System.Text;
using System.Text.Json;
using Shear.Numerics.Data.Registry;
using Shear.Numerics.Evaluation;

namespace Shear.Numerics.Analysis;

/// <summary>One cell: the value with its standard error, and the per-item values of each benchmark it averages (null where not kept).</summary>
/// <param name="Estimate">Value and standard error.</param>
/// <param name="Parts">Per benchmark, its per-item values (perplexity: each window's NLL).</param>
public sealed record ResultCell(Estimate Estimate, IReadOnlyList<double[]>? Parts = null)
{
    /// <summary>The value.</summary>
    public double Value => Estimate.Value;

    /// <summary>
    /// Whether this cell and <paramref name="other"/> differ by more than twice the standard error of their difference:
    /// item by item where both were scored on the same items (<see cref="StandardError.PairedDifference"/>; for
    /// perplexity on the windows' NLLs), else from the two standard errors (<see cref="StandardError.Separated"/>).
    /// </summary>
    public bool SeparatedFrom(ResultCell other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Parts is not null && other.Parts is not null && StandardError.PairedDifference(Parts, other.Parts) is { } d
            ? Math.Abs(d.Value) > 2 * (d.StdErr ?? 0)
            : StandardError.Separated(Estimate, other.Estimate);
    }
}

/// <summary>One row of the results table: a label (calibration set, perhaps prefixed by method/pattern/model) and its cells.</summary>
/// <param name="Label">The row label; the unpruned model's is <see cref="ResultsTable.Dense"/>.</param>
/// <param name="Cells">Column -> cell.</param>
public sealed record ResultsRow(string Label, IReadOnlyDictionary<string, ResultCell> Cells);

/// <summary>
/// The calibration x domain table the question needs: one row per sub-model (the dense model first), one column per
/// benchmark domain score (code pass@1, csr accuracy, translation METEOR, math exact match) and one per perplexity
/// set (each built-in domain's held-out split, wikitext2), each cell with its standard error.
/// </summary>
/// <remarks>
/// Rows are compared within their group (the label without its last word, the calibration set: rows that differ only
/// in calibration). A column's best row in a group is marked only when it beats every other row of the group by more
/// than twice the standard error of the difference (<see cref="ResultCell.SeparatedFrom"/>: paired item by item when
/// both were scored on the same items, as a sweep's rows are); otherwise the group's
/// verdict for the column is <c>tie</c>. Cells of a row's own domain (its calibration set's domain in the dataset
/// registry: code calibration -> code and ppl code) are marked too. Higher is better except for perplexity.
/// </remarks>
public sealed class ResultsTable
{
    /// <summary>Label of the unpruned model's row.</summary>
    public const string Dense = "dense";

    /// <summary>Verdict of a column whose best row is not separated from the next.</summary>
    public const string Tie = "tie";

    private static readonly IReadOnlyList<string> ScoreColumns = ["code", "csr", "translation", "math"];

    /// <summary>The table of these rows.</summary>
    public ResultsTable(IReadOnlyList<ResultsRow> rows)
        : this(rows, retention: false)
    {
    }

    private ResultsTable(IReadOnlyList<ResultsRow> rows, bool retention)
    {
        IsRetention = retention;
        ArgumentNullException.ThrowIfNull(rows);
        Rows = rows;
        var present = rows.SelectMany(r => r.Cells.Keys).Distinct().ToList();
        Columns = [.. ScoreColumns.Where(present.Contains), .. present.Where(c => c.StartsWith("ppl", StringComparison.Ordinal))];
    }

    /// <summary>The rows, in order.</summary>
    public IReadOnlyList<ResultsRow> Rows { get; }

    /// <summary>Whether each cell is a fraction of the dense row's (<see cref="Retention"/>): higher is better in every column.</summary>
    public bool IsRetention { get; }

    /// <summary>
    /// The same table as retention: each cell a fraction of the dense row's cell in its column (scores: score / dense
    /// score; perplexity: dense perplexity / perplexity, exp of the mean NLL difference), with its standard error by
    /// the delta method, paired item by item where the row and the dense row were scored on the same items (covariances
    /// per benchmark), else from the two standard errors. The verdicts follow the same rule, now higher is better
    /// everywhere. The dense row reads 1.
    /// </summary>
    /// <exception cref="InvalidOperationException">The table has no dense row.</exception>
    public ResultsTable Retention()
    {
        var dense = Rows.FirstOrDefault(r => r.Label == Dense) ?? throw new InvalidOperationException("a retention view needs the dense row");
        var rows = Rows.Select(r => r.Label == Dense
            ? new ResultsRow(Dense, r.Cells.ToDictionary(c => c.Key, _ => new ResultCell(new Estimate(1.0, 0.0))))
            : new ResultsRow(r.Label, r.Cells.Where(c => dense.Cells.ContainsKey(c.Key) && dense.Cells[c.Key].Value > 0 && c.Value.Value > 0)
                .ToDictionary(c => c.Key, c => Retained(c.Key, c.Value, dense.Cells[c.Key]))));
        return new ResultsTable([.. rows], retention: true);
    }

    /// <summary>The retention of <paramref name="cell"/> against the dense row's <paramref name="dense"/> cell in <paramref name="column"/> (see <see cref="Retention"/>).</summary>
    public static ResultCell Retained(string column, ResultCell cell, ResultCell dense)
    {
        ArgumentNullException.ThrowIfNull(cell);
        ArgumentNullException.ThrowIfNull(dense);
        bool paired = cell.Parts is { } xs && dense.Parts is { } ds && xs.Count == ds.Count && xs.Zip(ds).All(p => p.First.Length == p.Second.Length && p.First.Length > 1);
        if (LowerIsBetter(column))
        {
            double r = dense.Value / cell.Value; // exp(mean NLL_dense - mean NLL_row)
            double? se = paired ? r * StandardError.PairedDifference(dense.Parts!, cell.Parts!)!.Value.StdErr : Independent(r, cell, dense);
            return new ResultCell(new Estimate(r, se), cell.Parts); // the rows' NLLs still pair for the verdicts
        }

        double ratio = cell.Value / dense.Value;
        double? stdErr;
        if (!paired)
        {
            stdErr = Independent(ratio, cell, dense);
        }
        else
        {
            // Delta method for X / D with X, D averages over B benchmarks of per-item means on the same items.
            int b = cell.Parts!.Count;
            double varX = 0, varD = 0, cov = 0;
            foreach (var (x, d) in cell.Parts.Zip(dense.Parts!))
            {
                int n = x.Length;
                double mx = x.Average(), md = d.Average();
                varX += x.Sum(v => (v - mx) * (v - mx)) / (n - 1) / n;
                varD += d.Sum(v => (v - md) * (v - md)) / (n - 1) / n;
                cov += x.Zip(d, (u, v) => (u - mx) * (v - md)).Sum() / (n - 1) / n;
            }

            (varX, varD, cov) = (varX / (b * b), varD / (b * b), cov / (b * b));
            double variance = ratio * ratio * ((varX / (cell.Value * cell.Value)) + (varD / (dense.Value * dense.Value)) - (2 * cov / (cell.Value * dense.Value)));
            stdErr = Math.Sqrt(Math.Max(0, variance));
        }

        return new ResultCell(new Estimate(ratio, stdErr), cell.Parts?.Select(x => x.Select(v => v / dense.Value).ToArray()).ToList());

        static double? Independent(double r, ResultCell x, ResultCell d) => x.Estimate.StdErr is { } sx && d.Estimate.StdErr is { } sd
            ? Math.Abs(r) * Math.Sqrt(Math.Pow(sx / x.Value, 2) + Math.Pow(sd / d.Value, 2))
            : null;
    }

    /// <summary>The columns any row has: the domain scores in the thesis's order, then the perplexity sets in order of appearance.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The table of a dense report (optional) and one report per sub-model.</summary>
    public static ResultsTable From(EvalReport? dense, IEnumerable<(string Label, EvalReport Report)> pruned)
    {
        ArgumentNullException.ThrowIfNull(pruned);
        var rows = new List<ResultsRow>();
        if (dense is not null)
        {
            rows.Add(Row(Dense, dense.Results));
        }

        rows.AddRange(pruned.Select(p => Row(p.Label, p.Report.Results)));
        return new ResultsTable(rows);
    }

    /// <summary>
    /// A row from benchmark results: the domain scores of code, csr, translation and math (<see cref="LocalEvalJob.DomainEstimates"/>)
    /// and each perplexity benchmark as its own column (<c>ppl/code</c>, <c>ppl/wikitext2</c>).
    /// </summary>
    public static ResultsRow Row(string label, IEnumerable<BenchmarkResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var list = results.ToList();
        var cells = LocalEvalJob.DomainEstimates(list).Where(d => d.Key != "ppl").ToDictionary(d => d.Key, d => new ResultCell(d.Value, Parts(list.Where(r => r.Domain == d.Key && LocalEvalJob.IsMain(r)))));
        foreach (var r in list.Where(r => r.Domain == "ppl" && r.Metric == "perplexity"))
        {
            cells[r.Benchmark.StartsWith("ppl/", StringComparison.Ordinal) ? r.Benchmark : $"ppl/{r.Benchmark}"] = new ResultCell(r.Estimate, Parts([r]));
        }

        return new ResultsRow(label, cells);
    }

    private static List<double[]>? Parts(IEnumerable<BenchmarkResult> results)
    {
        var list = results.ToList();
        return list.All(r => r.PerItem is not null) ? list.Select(r => r.PerItem!).ToList() : null;
    }

    /// <summary>Whether lower values of <paramref name="column"/> are better (perplexity).</summary>
    public static bool LowerIsBetter(string column) => column.StartsWith("ppl", StringComparison.Ordinal);

    // Lower is better in this table: perplexity, unless the table shows retention.
    private bool Lower(string column) => !IsRetention && LowerIsBetter(column);

    /// <summary>The group of a row: its label without the last word (the calibration set).</summary>
    public static string Group(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        int space = label.LastIndexOf(' ');
        return space < 0 ? "" : label[..space];
    }

    /// <summary>The groups of pruned rows, in order of first appearance.</summary>
    public IReadOnlyList<string> Groups => Rows.Where(r => r.Label != Dense).Select(r => Group(r.Label)).Distinct().ToList();

    /// <summary>
    /// The label of the row of <paramref name="group"/> that is best in <paramref name="column"/> by more than twice the
    /// standard error of its difference from every other row of the group; <see cref="Tie"/> when the leader is not so
    /// separated; null when fewer than two rows of the group have the column.
    /// </summary>
    public string? Verdict(string column, string group = "")
    {
        var candidates = Rows.Where(r => r.Label != Dense && Group(r.Label) == group && r.Cells.ContainsKey(column)).ToList();
        if (candidates.Count < 2)
        {
            return null;
        }

        var leader = Lower(column) ? candidates.MinBy(r => r.Cells[column].Value)! : candidates.MaxBy(r => r.Cells[column].Value)!;
        return candidates.Where(r => r != leader).All(r => leader.Cells[column].SeparatedFrom(r.Cells[column])) ? leader.Label : Tie;
    }

    /// <summary>Whether <paramref name="label"/> is the separated best of its group in <paramref name="column"/>.</summary>
    public bool IsBest(string label, string column) => label != Dense && Verdict(column, Group(label)) == label;

    /// <summary>
    /// Whether <paramref name="column"/> measures the domain of <paramref name="label"/>'s calibration set (its last word,
    /// looked up in the dataset registry): code -> code, commonsense -> csr, translation, math, each with its perplexity set.
    /// </summary>
    public static bool IsOwn(string label, string column)
    {
        ArgumentNullException.ThrowIfNull(label);
        ArgumentNullException.ThrowIfNull(column);
        var calibration = label[(label.LastIndexOf(' ') + 1)..];
        if (label == Dense || DatasetRegistry.All.FirstOrDefault(s => s.Name == calibration) is not { } set)
        {
            return false;
        }

        return column == $"ppl/{set.Domain}" || column == (set.Domain == "commonsense" ? "csr" : set.Domain);
    }

    /// <summary>The column's heading: percentages for scores, perplexity sets by name (in a retention table: % of dense).</summary>
    public string Heading(string column) =>
        (LowerIsBetter(column) ? $"ppl {column[(column.IndexOf('/') + 1)..]}" : column) + (IsRetention ? " % of dense" : LowerIsBetter(column) ? "" : " %");

    private string Number(string column, double v) =>
        (Lower(column) ? v : 100 * v).ToString("F2", CultureInfo.InvariantCulture);

    /// <summary>A cell as text: value ± standard error (in the column's unit), "-" when absent.</summary>
    public string Text(ResultsRow row, string column)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.Cells.TryGetValue(column, out var cell) && cell.Estimate is var e
            ? e.StdErr is { } se ? $"{Number(column, e.Value)} ± {Number(column, se)}" : Number(column, e.Value)
            : "-";
    }

    private static string GroupName(string group) => group.Length == 0 ? "best" : $"best ({group})";

    // A verdict as shown in its group's row: the winner's calibration set (the group is named at the row's start), tie, or -.
    private string Shown(string column, string group) => Verdict(column, group) switch
    {
        null => "-",
        Tie => Tie,
        var label => label[(label.LastIndexOf(' ') + 1)..],
    };

    /// <summary>
    /// Markdown: values ± standard errors; the separated best of each group in bold; own-domain cells in [brackets];
    /// one last row per group with each column's verdict (the best row's label, or tie).
    /// </summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.Append("| calibration | ").AppendJoin(" | ", Columns.Select(Heading)).Append(" |\n");
        sb.Append("|---|").AppendJoin("", Columns.Select(_ => "---|")).Append('\n');
        foreach (var row in Rows)
        {
            sb.Append("| ").Append(row.Label).Append(" | ").AppendJoin(" | ", Columns.Select(c => Marked(row, c))).Append(" |\n");
        }

        foreach (var group in Groups)
        {
            sb.Append("| ").Append(GroupName(group)).Append(" | ").AppendJoin(" | ", Columns.Select(c => Shown(c, group))).Append(" |\n");
        }

        return sb.ToString();

        string Marked(ResultsRow row, string column)
        {
            var text = Text(row, column);
            text = IsOwn(row.Label, column) ? $"[{text}]" : text;
            return IsBest(row.Label, column) ? $"**{text}**" : text;
        }
    }

    /// <summary>CSV with raw values (fractions, perplexity), a <c>COLUMN_stderr</c> column beside each, and the columns where the row is best.</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder("calibration,").AppendJoin(",", Columns.Select(c => $"{c},{c}_stderr")).Append(",best_in,own\n");
        foreach (var row in Rows)
        {
            sb.Append(Csv(row.Label)).Append(',')
                .AppendJoin(",", Columns.Select(c => row.Cells.TryGetValue(c, out var e) ? $"{R(e.Value)},{(e.Estimate.StdErr is { } se ? R(se) : "")}" : ","))
                .Append(',').AppendJoin(";", Columns.Where(c => IsBest(row.Label, c)))
                .Append(',').AppendJoin(";", Columns.Where(c => IsOwn(row.Label, c))).Append('\n');
        }

        return sb.ToString();

        static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        static string Csv(string s) => s.Contains(',', StringComparison.Ordinal) || s.Contains('"', StringComparison.Ordinal) ? $"\"{s.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : s;
    }

    /// <summary>JSON: rows with values and standard errors, own-domain columns, and each group's verdict per column.</summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        columns = Columns,
        rows = Rows.Select(r => new
        {
            calibration = r.Label,
            scores = r.Cells.ToDictionary(c => c.Key, c => c.Value.Value),
            stderr = r.Cells.Where(c => c.Value.Estimate.StdErr is not null).ToDictionary(c => c.Key, c => c.Value.Estimate.StdErr!.Value),
            own = Columns.Where(c => IsOwn(r.Label, c)),
        }),
        best = Groups.ToDictionary(g => g, g => Columns.Where(c => Verdict(c, g) is not null).ToDictionary(c => c, c => Verdict(c, g))),
    }, IO.JsonOptions.Indented);

    /// <summary>An HTML table: separated best in bold, own-domain cells shaded, a verdict row per group.</summary>
    public string ToHtml()
    {
        static string E(string s) => System.Net.WebUtility.HtmlEncode(s);
        var sb = new StringBuilder("<table class=\"results\"><tr><th>calibration</th>");
        foreach (var c in Columns)
        {
            sb.Append("<th>").Append(E(Heading(c))).Append("</th>");
        }

        sb.Append("</tr>\n");
        foreach (var row in Rows)
        {
            sb.Append("<tr><td>").Append(E(row.Label)).Append("</td>");
            foreach (var c in Columns)
            {
                var text = E(Text(row, c));
                sb.Append(IsOwn(row.Label, c) ? "<td class=\"own\">" : "<td>").Append(IsBest(row.Label, c) ? $"<b>{text}</b>" : text).Append("</td>");
            }

            sb.Append("</tr>\n");
        }

        foreach (var group in Groups)
        {
            sb.Append("<tr class=\"verdict\"><td>").Append(E(GroupName(group))).Append("</td>");
            foreach (var c in Columns)
            {
                sb.Append("<td>").Append(E(Shown(c, group))).Append("</td>");
            }

            sb.Append("</tr>\n");
        }

        return sb.Append("</table>\n<p class=\"legend\">value ± standard error; bold: best of its group by more than twice the standard error of the difference (paired item by item where the rows share items), else tie; shaded: the calibration set's own domain; ")
            .Append(IsRetention ? "each cell as % of the dense row's (perplexity: dense / row), standard errors by the delta method; higher is better.</p>\n" : "ppl: lower is better.</p>\n").ToString();
    }
}
