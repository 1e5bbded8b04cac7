using System.CommandLine;
using System.Globalization;
using Shear.Numerics.Evaluation;

namespace Shear.Client.Commands;

/// <summary><c>shear eval</c>: evaluate a local model on the built-in held-out sets.</summary>
internal static class EvalCommand
{
    public static Command Create(TextWriter stdout)
    {
        var model = new Option<string>("--model") { Description = "HF checkpoint folder", DefaultValueFactory = _ => Path.Combine("models", "shear-tiny") };
        var domains = new Option<string>("--domains") { Description = $"Comma-separated: {string.Join(",", LocalEvalJob.Supported)}", DefaultValueFactory = _ => string.Join(",", LocalEvalJob.Supported) };
        var limit = new Option<int?>("--limit") { Description = "Items per benchmark (perplexity: windows per domain)" };
        var dataDir = new Option<string>("--data-dir") { Description = "Folder with the datasets (built-in sets in its builtin/)", DefaultValueFactory = _ => "data" };
        var output = new Option<string?>("--out") { Description = "Where to write eval.json (default: MODEL/eval.json)" };
        var command = new Command("eval", "Evaluate a model: perplexity per built-in domain, commonsense (OpenBookQA-style), math (GSM8K 8-shot)") { model, domains, limit, dataDir, output };
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(model)!;
            var list = parse.GetValue(domains)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parse.GetValue(limit) is <= 0)
            {
                throw new ArgumentException($"--limit must be positive, got {parse.GetValue(limit)}");
            }

            var report = LocalEvalJob.Run(dir, list, parse.GetValue(limit), parse.GetValue(dataDir)!, stdout.WriteLine);
            stdout.WriteLine("| domain | benchmark | metric | value | items |");
            stdout.WriteLine("|---|---|---|---|---|");
            foreach (var r in report.Results)
            {
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Domain} | {r.Benchmark} | {r.Metric} | {r.Value:F4} | {r.Items} |"));
            }

            var path = parse.GetValue(output) ?? Path.Combine(dir, "eval.json");
            LocalEvalJob.Save(report, path);
            stdout.WriteLine($"wrote {Path.GetFullPath(path)}");
            return 0;
        });
        return command;
    }
}
