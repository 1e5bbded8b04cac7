using System.Globalization;
using System.Text;
using System.Text.Json;
using Shear.Numerics.Evaluation;
using Shear.Numerics.IO;

namespace Shear.Numerics.Analysis;

/// <summary>What <see cref="ComparisonReport.Write"/> compares and draws.</summary>
/// <param name="Sets">The sub-models' masks (two or more).</param>
/// <param name="Evaluations">eval.json of some sub-models, by set name.</param>
/// <param name="Dense">The unpruned model's eval.json, if any (the table's first row).</param>
/// <param name="Layer">Layer of the weight-mask image.</param>
/// <param name="Matrix">Linear of the weight-mask image (e.g. <c>self_attn.q_proj</c>); null: the layer's first attention Linear (<c>q_proj</c>, Phi's fused <c>qkv_proj</c>).</param>
public sealed record ComparisonInput(
    IReadOnlyList<MaskSet> Sets, IReadOnlyDictionary<string, EvalReport> Evaluations, EvalReport? Dense, int Layer = 0, string? Matrix = null);

/// <summary>
/// A comparison report folder: <c>similarity.json</c> (every pair at the three levels, with chance similarity),
/// <c>distance_heatmap.png</c>, <c>layers_A_vs_B.png</c> per pair, <c>mask_LAYER_MATRIX.png</c> for the first two
/// sub-models, <c>results.md/.csv/.json</c> when evaluations are given, and a self-contained <c>report.html</c> that
/// embeds the pictures. Written to a temp folder and renamed into place.
/// </summary>
public static class ComparisonReport
{
    /// <summary>Writes the report into <paramref name="outDirectory"/> (replaced if it exists) and returns the pairs compared.</summary>
    /// <exception cref="ArgumentException">Fewer than two sets, duplicate names, mismatched masks, or no such matrix (named).</exception>
    public static List<MaskSimilarity> Write(ComparisonInput input, string outDirectory, bool overwrite = false, string option = "--out")
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Sets.Count < 2)
        {
            throw new ArgumentException($"need at least two sub-models to compare, got {input.Sets.Count}");
        }

        if (input.Sets.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1) is { } dup)
        {
            throw new ArgumentException($"two sub-models are both named '{dup.Key}' (give --names)");
        }

        // Masks are named as the tensors they mask: found by layer and name within it, whatever the model's prefix.
        var matrix = input.Matrix ?? new[] { "self_attn.q_proj", "self_attn.qkv_proj" }.FirstOrDefault(m => input.Sets[0].Masks.Any(x => x.Layer == input.Layer && x.Matrix == m)) ?? "self_attn.q_proj";
        var a = input.Sets[0].Masks.FirstOrDefault(m => m.Layer == input.Layer && m.Matrix == matrix)
            ?? throw new ArgumentException($"--layer {input.Layer} --matrix {matrix}: no mask model.layers.{input.Layer}.{matrix} in {input.Sets[0].Name} (layers 0..{input.Sets[0].Masks.Max(m => m.Layer)})");
        var name = a.Name;
        var pairs = new List<MaskSimilarity>();
        int n = input.Sets.Count;
        var distances = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                var s = MaskSimilarity.Compare(input.Sets[i], input.Sets[j]);
                pairs.Add(s);
                distances[i, j] = distances[j, i] = s.Model.Distance;
            }
        }

        var full = Path.GetFullPath(outDirectory);
        OutputFolder.Check(full, overwrite, OutputKind.Report, option);
        var temp = OutputFolder.Stage(full, OutputKind.Report);
        try
        {
            var pictures = new List<(string File, string Caption)>();
            var names = input.Sets.Select(s => s.Name).ToList();
            MaskPictures.DistanceHeatmap(names, distances, Path.Combine(temp, "distance_heatmap.png"));
            pictures.Add(("distance_heatmap.png", "Whole-model Jaccard distance between every pair of sub-models"));
            foreach (var p in pairs)
            {
                var file = $"layers_{Safe(p.A)}_vs_{Safe(p.B)}.png";
                MaskPictures.LayerDistances(p, Path.Combine(temp, file));
                pictures.Add((file, $"Per-layer Jaccard distance, {p.A} vs {p.B}"));
            }

            var b = input.Sets[1].Masks.First(m => m.Name == name);
            var maskFile = $"mask_{input.Layer}_{Safe(matrix)}.png";
            MaskPictures.MaskComparison(a, b, input.Sets[0].Name, input.Sets[1].Name, Path.Combine(temp, maskFile));
            pictures.Add((maskFile, $"{name}: {input.Sets[0].Name} and {input.Sets[1].Name} (kept black, pruned white), differences red"));

            File.WriteAllText(Path.Combine(temp, "similarity.json"), JsonSerializer.Serialize(pairs, JsonOptions.Indented));
            ResultsTable? table = null, retention = null;
            if (input.Evaluations.Count > 0)
            {
                table = ResultsTable.From(input.Dense, input.Sets.Where(s => input.Evaluations.ContainsKey(s.Name)).Select(s => (s.Name, input.Evaluations[s.Name])));
                File.WriteAllText(Path.Combine(temp, "results.md"), table.ToMarkdown());
                File.WriteAllText(Path.Combine(temp, "results.csv"), table.ToCsv());
                File.WriteAllText(Path.Combine(temp, "results.json"), table.ToJson());
                retention = input.Dense is not null ? table.Retention() : null;
                if (retention is not null)
                {
                    File.WriteAllText(Path.Combine(temp, "retention.md"), retention.ToMarkdown());
                    File.WriteAllText(Path.Combine(temp, "retention.csv"), retention.ToCsv());
                }

                // Rows at several sparsities: per domain, score (retention where the dense row is there) against sparsity.
                var shown = retention ?? table;
                foreach (var (column, series) in SparsityCurves.Of(shown))
                {
                    var file = $"curve_{Safe(column)}.png";
                    bool percent = shown.IsRetention || !ResultsTable.LowerIsBetter(column);
                    SparsityCurves.Draw($"{shown.Heading(column)} against sparsity", "sparsity (bars: ±1 standard error)", series, Path.Combine(temp, file), percent ? 100 : 1);
                    pictures.Add((file, $"Sparsity curve, {shown.Heading(column)}: one line per calibration set, ±1 standard error"));
                }
            }

            File.WriteAllText(Path.Combine(temp, "report.html"), Html(pairs, table, retention, pictures, temp));
            OutputFolder.Commit(temp, full);
        }
        finally
        {
            OutputFolder.Abandon(temp);
        }

        return pairs;
    }

    private static string Safe(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_'));

    private static string Html(List<MaskSimilarity> pairs, ResultsTable? table, ResultsTable? retention, List<(string File, string Caption)> pictures, string folder)
    {
        static string F(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);
        var sb = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Shear sub-model comparison</title>\n")
            .Append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right;white-space:nowrap}td.own{background:#fff3c4}img{max-width:100%}tr.verdict td{font-style:italic;border-top:2px solid #888}.legend{color:#555;font-size:90%}figure{margin:1.5em 0}</style></head><body>\n")
            .Append("<h1>Sub-model comparison</h1>\n");
        if (table is not null)
        {
            sb.Append("<h2>Results by calibration dataset</h2>\n").Append(table.ToHtml());
            if (retention is not null)
            {
                sb.Append("<h2>Retention: each domain as a fraction of the dense model</h2>\n").Append(retention.ToHtml());
            }
        }

        var curves = pictures.Where(p => p.File.StartsWith("curve_", StringComparison.Ordinal)).ToList();
        if (curves.Count > 0)
        {
            sb.Append("<h2>Sparsity curves</h2>\n");
            Figures(sb, curves, folder);
        }

        sb.Append("<h2>Mask similarity (whole model)</h2>\n<table><tr><th>A</th><th>B</th><th>Jaccard similarity</th><th>distance</th><th>chance similarity</th></tr>\n");
        foreach (var p in pairs)
        {
            sb.Append("<tr><td>").Append(System.Net.WebUtility.HtmlEncode(p.A)).Append("</td><td>").Append(System.Net.WebUtility.HtmlEncode(p.B))
                .Append("</td><td>").Append(F(p.Model.Similarity)).Append("</td><td>").Append(F(p.Model.Distance)).Append("</td><td>").Append(F(p.Model.ChanceSimilarity)).Append("</td></tr>\n");
        }

        sb.Append("</table>\n");
        Figures(sb, pictures.Except(curves), folder);
        return sb.Append("</body></html>\n").ToString();
    }

    private static void Figures(StringBuilder sb, IEnumerable<(string File, string Caption)> pictures, string folder)
    {
        foreach (var (file, caption) in pictures)
        {
            var data = Convert.ToBase64String(File.ReadAllBytes(Path.Combine(folder, file)));
            sb.Append("<figure><img alt=\"").Append(System.Net.WebUtility.HtmlEncode(caption)).Append("\" src=\"data:image/png;base64,").Append(data)
                .Append("\"><figcaption>").Append(System.Net.WebUtility.HtmlEncode(caption)).Append("</figcaption></figure>\n");
        }
    }
}
