using System.CommandLine;
using System.Globalization;
using Shear.Numerics.Analysis;
using Shear.Numerics.Evaluation;

namespace Shear.Client.Commands;

/// <summary><c>shear compare</c>: mask similarity, pictures and the results table of local sub-models.</summary>
internal static class CompareCommand
{
    public static Command Create(TextWriter stdout)
    {
        var folders = new Argument<string[]>("folders") { Description = "Pruned checkpoint folders (their masks/) or folders of mask files; two or more", Arity = ArgumentArity.OneOrMore };
        var names = new Option<string?>("--names") { Description = "Comma-separated labels, one per folder (default: folder names)" };
        var dense = new Option<string?>("--dense") { Description = "The unpruned model's folder (its eval.json is the table's first row)" };
        var output = new Option<string>("--out") { Description = "Report folder (must not exist or be empty)", DefaultValueFactory = _ => "compare-report" };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace a non-empty --out (atomically)" };
        var layer = new Option<int>("--layer") { Description = "Layer of the weight-mask image", DefaultValueFactory = _ => 0 };
        var matrix = new Option<string?>("--matrix") { Description = "Linear of the weight-mask image (default: the layer's first attention Linear, self_attn.q_proj or a fused self_attn.qkv_proj)" };
        var command = new Command("compare", "Compare sub-models: Jaccard distance of their pruning masks per matrix/layer/model, pictures, results table, HTML report")
        {
            folders, names, dense, output, layer, matrix, overwrite,
        };
        command.SetAction(parse =>
        {
            var dirs = parse.GetValue(folders)!;
            Numerics.IO.OutputFolder.Check(parse.GetValue(output)!, parse.GetValue(overwrite), Numerics.IO.OutputKind.Report, "--out", [.. dirs, .. parse.GetValue(dense) is { } d ? new[] { d } : []]); // before any work
            var labels = parse.GetValue(names)?.Split(',', StringSplitOptions.TrimEntries);
            if (labels is not null && labels.Length != dirs.Length)
            {
                throw new ArgumentException($"--names has {labels.Length} labels for {dirs.Length} folders");
            }

            var sets = dirs.Select((d, i) => MaskSet.Load(d, labels?[i])).ToList();
            var evaluations = new Dictionary<string, EvalReport>();
            for (int i = 0; i < dirs.Length; i++)
            {
                if (ReadEval(dirs[i]) is { } report)
                {
                    evaluations[sets[i].Name] = report;
                }
            }

            var denseDir = parse.GetValue(dense);
            var input = new ComparisonInput(sets, evaluations, denseDir is null ? null : ReadEval(denseDir) ?? throw new ArgumentException($"--dense {denseDir}: no eval.json (run shear eval on it first)"),
                parse.GetValue(layer), parse.GetValue(matrix));
            var outDir = parse.GetValue(output)!;
            var pairs = ComparisonReport.Write(input, outDir, parse.GetValue(overwrite));
            stdout.WriteLine("| A | B | similarity | distance | chance similarity |");
            stdout.WriteLine("|---|---|---|---|---|");
            foreach (var p in pairs)
            {
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {p.A} | {p.B} | {p.Model.Similarity:F4} | {p.Model.Distance:F4} | {p.Model.ChanceSimilarity:F4} |"));
            }

            if (evaluations.Count > 0)
            {
                stdout.Write(File.ReadAllText(Path.Combine(outDir, "results.md")));
            }
            else
            {
                stdout.WriteLine("no eval.json in the folders: no results table (run shear eval on each sub-model)");
            }

            stdout.WriteLine($"wrote {Path.GetFullPath(Path.Combine(outDir, "report.html"))}");
            return 0;
        });
        return command;
    }

    private static EvalReport? ReadEval(string folder) => LocalEvalJob.Load(Path.Combine(folder, "eval.json"));
}
