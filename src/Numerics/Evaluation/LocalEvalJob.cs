using System.Diagnostics;
using System.Text.Json;
using Shear.Numerics.Data;
using Shear.Numerics.Data.Builtin;
using Shear.Numerics.Data.Registry;
using Shear.Numerics.Evaluation.Choice;
using Shear.Numerics.Evaluation.MathReasoning;
using Shear.Numerics.Generation;
using Shear.Numerics.IO;
using Shear.Numerics.Models;
using Shear.Numerics.Tokenization;
using Shear.Numerics.Training;

namespace Shear.Numerics.Evaluation;

/// <summary>
/// <c>shear eval</c> in one process. Each domain runs the real benchmarks found in the data folder (HumanEval, MBPP;
/// boolq, winogrande, arc_easy, arc_challenge, hellaswag, openbookqa; wmt14, opus_books; GSM8K; wikitext2), or its
/// built-in held-out set when none is there; perplexity always covers the built-in domains too.
/// </summary>
public static partial class LocalEvalJob
{
    /// <summary>Window length of the per-domain perplexity.</summary>
    public const int PerplexitySeqLen = 256;

    /// <summary>The main metric of each domain (its score is the mean of this metric over the domain's benchmarks).</summary>
    public static readonly IReadOnlyDictionary<string, string> MainMetric = new Dictionary<string, string>
    {
        ["code"] = "pass@1", ["csr"] = "acc", ["translation"] = "meteor", ["math"] = "exact_match", ["ppl"] = "perplexity",
    };

    /// <summary>
    /// Evaluates the checkpoint in <paramref name="model"/>. Which benchmarks each domain runs is settled first
    /// (<see cref="EvalBenchmarks.Plan"/>); a domain that falls back to its built-in set is told to <paramref name="warn"/>
    /// (one line) and recorded in <see cref="EvalReport.Fallbacks"/>, as is anything the run skipped and how to enable it
    /// (METEOR without WordNet's synonyms). <paramref name="log"/> hears progress lines; <paramref name="warn"/> defaults to it.
    /// </summary>
    /// <exception cref="ArgumentException">Bad options (named).</exception>
    /// <exception cref="DataFormatException">A malformed benchmark file (file and line named), or a domain with nothing to score (benchmark and folders named).</exception>
    public static EvalReport Run(string model, EvalOptions options, EvalProgress? progress = null, Action<string>? log = null, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var plans = options.Domains.Select(d => EvalBenchmarks.Plan(d, options.DataDirectory, options.BenchmarkConfigs)).ToList(); // before any work
        var clock = Stopwatch.StartNew();
        var tokenizer = TokenizerLoader.LoadFor(model, ModelConfigLoader.Load(model));
        using var lm = CausalLM.Load(model, new ModelOptions(options.DType, DeviceName: options.Device));
        var job = new Job(lm, tokenizer, options, progress ?? ((_, _, _) => { }), log ?? (_ => { }), warn ?? log ?? (_ => { }));
        var results = new List<BenchmarkResult>();
        foreach (var (domain, benchmarks, fallback) in plans)
        {
            if (fallback is not null)
            {
                job.Warn(fallback);
            }

            job.Log($"{domain}: {string.Join(", ", benchmarks.Select(b => b.Name).DefaultIfEmpty("built-in domains"))}");
            results.AddRange(domain switch
            {
                "ppl" => job.Perplexities(benchmarks),
                "csr" => benchmarks.SelectMany(job.Commonsense),
                "math" => benchmarks.SelectMany(job.MathResults),
                "code" => benchmarks.SelectMany(job.CodeResults),
                _ => benchmarks.SelectMany(job.TranslationResults),
            });
        }

        return Report(Path.GetFullPath(model), results, clock.Elapsed.TotalSeconds) with
        {
            Fallbacks = plans.Where(p => p.Fallback is not null).ToDictionary(p => p.Domain, p => p.Fallback!),
            Available = job.Available,
        };
    }

    /// <summary>An eval.json of <paramref name="results"/>, its domain scores and their standard errors computed by <see cref="DomainEstimates"/>.</summary>
    public static EvalReport Report(string model, IReadOnlyList<BenchmarkResult> results, double seconds)
    {
        var domains = DomainEstimates(results);
        return new EvalReport(model, results, domains.ToDictionary(d => d.Key, d => d.Value.Value), seconds)
        {
            DomainStdErrs = domains.Where(d => d.Value.StdErr is not null).ToDictionary(d => d.Key, d => d.Value.StdErr!.Value),
        };
    }

    /// <summary>
    /// Each domain's score: the mean of its main metric over its benchmarks (the thesis's table). METEOR without
    /// WordNet (<c>meteor (no synonyms)</c>) counts as METEOR; acc_norm does not count as acc.
    /// </summary>
    /// <remarks>The standard error of a domain score is <see cref="StandardError.OfAverage"/> of its benchmarks'.</remarks>
    public static Dictionary<string, Estimate> DomainEstimates(IEnumerable<BenchmarkResult> results) =>
        results.Where(IsMain).GroupBy(r => r.Domain)
            .ToDictionary(g => g.Key, g => new Estimate(g.Average(r => r.Value), StandardError.OfAverage(g.Select(r => r.StdErr).ToList())));

    /// <summary>Whether <paramref name="result"/> is of its domain's main metric (the ones its domain score averages).</summary>
    public static bool IsMain(BenchmarkResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return MainMetric.TryGetValue(result.Domain, out var m) && (result.Metric == m || result.Metric.StartsWith(m + " (", StringComparison.Ordinal));
    }

    /// <summary>Writes eval.json atomically.</summary>
    public static void Save(EvalReport report, string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(report, JsonOptions.Indented));

    /// <summary>
    /// Reads an eval.json (Shear's or an earlier version's), its domain scores recomputed by today's rule from its
    /// results (one rule, whoever wrote the file); null where the file does not exist.
    /// </summary>
    /// <exception cref="ArgumentException">Not an eval.json (named, with the parser's reason).</exception>
    public static EvalReport? Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var report = JsonSerializer.Deserialize<EvalReport>(File.ReadAllText(path)) ?? throw new ArgumentException($"{path}: empty eval.json");
            return Report(report.Model, report.Results, report.Seconds) with { Fallbacks = report.Fallbacks };
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{path}: not an eval.json ({e.Message})");
        }
    }

    /// <summary>Each built-in domain's test split as one token stream (shuffled with seed 0), its first <paramref name="windows"/> windows.</summary>
    public static Dictionary<string, IReadOnlyList<int>> HeldOutTokens(Tokenizer tokenizer, string builtin, int windows) =>
        BuiltinDatasets.TextsByDomain(builtin, "test")
            .ToDictionary(p => p.Key, p => new TokenStream(p.Value, tokenizer, 0).Head(windows * PerplexitySeqLen));

    /// <summary>Rows of every file of a benchmark, each with its file and line for error messages.</summary>
    private static IEnumerable<(string File, int Line, JsonElement Row)> Rows(EvalBenchmark benchmark, string dataDirectory) =>
        benchmark.Files(dataDirectory).SelectMany(f => RowReader.Read(f).Select(r => (f, r.Line, r.Row)));

    /// <summary><paramref name="items"/>, unless there are none: a benchmark is never scored on 0 items.</summary>
    /// <exception cref="DataFormatException">No items (names the benchmark and its files).</exception>
    private static List<T> NonEmpty<T>(List<T> items, EvalBenchmark benchmark, string dataDirectory)
    {
        if (items.Count > 0)
        {
            return items;
        }

        var where = benchmark.Locate(dataDirectory);
        throw new DataFormatException(where.Folder ?? dataDirectory,
            $"benchmark '{benchmark.Name}' has no items to score (in {(where.Found ? string.Join(", ", where.Files.Select(Path.GetFileName)) : where.LookedIn)})");
    }

    private sealed partial class Job(CausalLM lm, Tokenizer tokenizer, EvalOptions options, EvalProgress progress, Action<string> log, Action<string> warn)
    {
        public void Log(string message) => log(message);

        public void Warn(string message) => warn(message);

        /// <summary>Items each benchmark had before the limit (lm-eval's n-samples "original").</summary>
        public Dictionary<string, int> Available { get; } = [];

        // Real benchmarks run whole unless --limit says otherwise (the thesis); the built-in stand-ins stop at BuiltinItems.
        private int Take(int count, EvalBenchmark? benchmark = null)
        {
            if (benchmark is not null)
            {
                Available[benchmark.Name] = count;
            }

            return Math.Min(count, options.Limit ?? (benchmark is { BuiltIn: true } ? EvalOptions.BuiltinItems : int.MaxValue));
        }

        public IEnumerable<BenchmarkResult> Perplexities(IReadOnlyList<EvalBenchmark> benchmarks)
        {
            var results = new List<BenchmarkResult>();
            foreach (var wikitext in benchmarks.Where(b => b.Name == "wikitext2"))
            {
                // Wanda's eval_ppl: the test rows joined with "\n\n", windows of the model's context length.
                var text = string.Join("\n\n", Rows(wikitext, options.DataDirectory).Select(r => Templates.Str(r.Row, "text")));
                int seqlen = lm.Config.MaxPositionEmbeddings;
                var tokens = tokenizer.Encode(text, addSpecialTokens: true);
                var head = tokens.Take(Take(tokens.Length / seqlen) * seqlen).ToList();
                var ppl = Perplexity.Measure(lm, head, seqlen, EvalBatches.Rows(lm, seqlen, 8));
                results.Add(BenchmarkResult.Of("ppl", "wikitext2", "perplexity", ppl, head.Count / seqlen));
                progress("wikitext2", 1, 1);
            }

            var heldOut = HeldOutTokens(tokenizer, Path.Combine(options.DataDirectory, "builtin"), options.Limit ?? 32);
            int done = 0;
            foreach (var (domain, tokens) in heldOut)
            {
                var ppl = Perplexity.Measure(lm, tokens, PerplexitySeqLen, EvalBatches.Rows(lm, PerplexitySeqLen, 8));
                results.Add(BenchmarkResult.Of("ppl", $"ppl/{domain}", "perplexity", ppl, tokens.Count / PerplexitySeqLen));
                progress("ppl (built-in)", ++done, heldOut.Count);
            }

            return results;
        }

        public IEnumerable<BenchmarkResult> Commonsense(EvalBenchmark benchmark)
        {
            var task = benchmark.BuiltIn ? "openbookqa" : benchmark.Name;
            var items = NonEmpty(benchmark.Files(options.DataDirectory).SelectMany(f => CommonsenseTasks.Load(task, f)).ToList(), benchmark, options.DataDirectory);
            items = items.Take(Take(items.Count, benchmark)).ToList();
            var scorer = new LogLikelihood(lm, tokenizer, options.CommonsenseBos, EvalBatches.Rows(lm, Math.Min(lm.Config.MaxPositionEmbeddings, 1024), 16));
            var (acc, accNorm) = MultipleChoice.Measure(scorer, items, (done, total) => progress(benchmark.Name, done, total));
            var results = new List<BenchmarkResult> { BenchmarkResult.Of("csr", benchmark.Name, "acc", acc, items.Count) };
            if (accNorm is { } norm)
            {
                results.Add(BenchmarkResult.Of("csr", benchmark.Name, "acc_norm", norm, items.Count));
            }

            return results;
        }

        public IEnumerable<BenchmarkResult> MathResults(EvalBenchmark benchmark)
        {
            var rows = NonEmpty(Rows(benchmark, options.DataDirectory).ToList(), benchmark, options.DataDirectory);
            rows = rows.Take(Take(rows.Count, benchmark)).ToList();
            string Field((string File, int Line, JsonElement Row) r, string name) =>
                Templates.StrOrNull(r.Row, name) ?? throw new DataFormatException(r.File, $"line {r.Line}: missing field '{name}'");
            var questions = rows.Select(r => (Question: Field(r, "question"), Answer: Field(r, "answer"))).ToList();
            var prompt = new Gsm8kPrompt();
            var prompts = questions.Select(q => prompt.Build(q.Question)).ToList();
            var generator = new TextGenerator(lm, tokenizer);
            var greedy = new GenerationOptions { MaxNewTokens = 256 };
            var right = new List<double>(prompts.Count);
            int batch = EvalBatches.Rows(lm, Math.Min(lm.Config.MaxPositionEmbeddings, 2048), 8); // 8-shot prompts and 256 new tokens
            for (int i = 0; i < prompts.Count; i += batch)
            {
                var outputs = generator.Generate(prompts.Skip(i).Take(batch).ToList(), greedy);
                right.AddRange(outputs.Select((o, k) => Gsm8kPrompt.IsCorrect(o.Text, questions[i + k].Answer) ? 1.0 : 0.0));
                progress(benchmark.Name, Math.Min(i + batch, prompts.Count), prompts.Count);
            }

            return [BenchmarkResult.Of("math", benchmark.Name, "exact_match", Measured.Mean([.. right]), prompts.Count)];
        }
    }
}
