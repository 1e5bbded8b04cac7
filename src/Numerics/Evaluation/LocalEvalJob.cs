using System.Diagnostics;
using System.Text.Json;
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
/// <c>shear eval</c> in one process on the built-in held-out sets: perplexity per built-in domain (Wanda's eval_ppl),
/// commonsense as lm-eval's OpenBookQA task on builtin_commonsense, math as GSM8K-eval's 8-shot prompt on builtin_math.
/// </summary>
public static class LocalEvalJob
{
    /// <summary>Domains this job can evaluate today.</summary>
    public static readonly IReadOnlyList<string> Supported = ["ppl", "csr", "math"];

    /// <summary>Evaluates <paramref name="model"/> on <paramref name="domains"/>; <paramref name="limit"/> caps items per benchmark.</summary>
    /// <exception cref="ArgumentException">A domain this job cannot evaluate yet (named).</exception>
    public static EvalReport Run(string model, IReadOnlyList<string> domains, int? limit, string dataDirectory, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(domains);
        var unknown = domains.Where(d => !Supported.Contains(d)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"cannot evaluate domain(s) {string.Join(", ", unknown)} yet (available: {string.Join(", ", Supported)})");
        }

        var clock = Stopwatch.StartNew();
        var tokenizer = TokenizerLoader.Load(model);
        using var lm = CausalLM.Load(model);
        var builtin = Path.Combine(dataDirectory, "builtin");
        var results = new List<BenchmarkResult>();
        foreach (var domain in domains)
        {
            log?.Invoke($"evaluating {domain}");
            results.AddRange(domain switch
            {
                "ppl" => PerplexityResults(lm, tokenizer, builtin, limit),
                "csr" => Commonsense(lm, tokenizer, builtin, limit),
                _ => MathResults(lm, tokenizer, builtin, limit),
            });
        }

        var scores = results.Where(r => r.Metric is "acc" or "exact_match" or "perplexity").GroupBy(r => r.Domain).ToDictionary(g => g.Key, g => g.Average(r => r.Value));
        return new EvalReport(Path.GetFullPath(model), results, scores, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Writes eval.json atomically.</summary>
    public static void Save(EvalReport report, string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(report, JsonOptions.Indented));

    /// <summary>Window length of the per-domain perplexity.</summary>
    public const int PerplexitySeqLen = 256;

    /// <summary>Each built-in domain's test split as one token stream (shuffled with seed 0), its first <paramref name="windows"/> windows.</summary>
    public static Dictionary<string, IReadOnlyList<int>> HeldOutTokens(Tokenizer tokenizer, string builtin, int windows) =>
        BuiltinDatasets.TextsByDomain(builtin, "test")
            .ToDictionary(p => p.Key, p => new TokenStream(p.Value, tokenizer, 0).Head(windows * PerplexitySeqLen));

    private static IEnumerable<BenchmarkResult> PerplexityResults(CausalLM lm, Tokenizer tokenizer, string builtin, int? limit)
    {
        foreach (var (domain, tokens) in HeldOutTokens(tokenizer, builtin, limit ?? 32))
        {
            yield return new BenchmarkResult("ppl", $"ppl/{domain}", "perplexity", Perplexity.Evaluate(lm, tokens, PerplexitySeqLen), tokens.Count / PerplexitySeqLen);
        }
    }

    private static IEnumerable<BenchmarkResult> Commonsense(CausalLM lm, Tokenizer tokenizer, string builtin, int? limit)
    {
        var items = CommonsenseTasks.Load("openbookqa", Path.Combine(builtin, "builtin_commonsense", "test.jsonl"));
        items = items.Take(limit ?? items.Count).ToList();
        var (acc, accNorm) = MultipleChoice.Evaluate(new LogLikelihood(lm, tokenizer), items);
        yield return new BenchmarkResult("csr", "builtin_commonsense", "acc", acc, items.Count);
        yield return new BenchmarkResult("csr", "builtin_commonsense", "acc_norm", accNorm ?? double.NaN, items.Count);
    }

    private static IEnumerable<BenchmarkResult> MathResults(CausalLM lm, Tokenizer tokenizer, string builtin, int? limit)
    {
        var rows = RowReader.Read(Path.Combine(builtin, "builtin_math", "test.jsonl")).Select(r => r.Row).Take(limit ?? int.MaxValue).ToList();
        var prompt = new Gsm8kPrompt();
        var prompts = rows.Select(r => prompt.Build(Templates.Str(r, "question"))).ToList();
        var generator = new TextGenerator(lm, tokenizer);
        var options = new GenerationOptions { MaxNewTokens = 256 };
        int right = 0;
        for (int i = 0; i < prompts.Count; i += 8)
        {
            var outputs = generator.Generate(prompts.Skip(i).Take(8).ToList(), options);
            right += outputs.Select((o, k) => Gsm8kPrompt.IsCorrect(o.Text, Templates.Str(rows[i + k], "answer")) ? 1 : 0).Sum();
        }

        yield return new BenchmarkResult("math", "builtin_math", "exact_match", (double)right / rows.Count, rows.Count);
    }
}
