using System.Text.Json.Serialization;

namespace Shear.Numerics.Evaluation;

/// <summary>One benchmark's result.</summary>
/// <param name="Domain">ppl, csr, math, code or translation.</param>
/// <param name="Benchmark">Benchmark name (e.g. <c>builtin_commonsense</c>, <c>ppl/code</c>).</param>
/// <param name="Metric">Metric name (acc, acc_norm, exact_match, perplexity).</param>
/// <param name="Value">The value.</param>
/// <param name="Items">Items evaluated.</param>
public sealed record BenchmarkResult(
    [property: JsonPropertyName("domain")] string Domain,
    [property: JsonPropertyName("benchmark")] string Benchmark,
    [property: JsonPropertyName("metric")] string Metric,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("items")] int Items);

/// <summary>eval.json: every benchmark result of one model, and the domain scores (mean of the domain's benchmarks' main metric).</summary>
/// <param name="Model">The evaluated checkpoint.</param>
/// <param name="Results">All results.</param>
/// <param name="Domains">Domain score per domain.</param>
/// <param name="Seconds">Wall time.</param>
public sealed record EvalReport(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("results")] IReadOnlyList<BenchmarkResult> Results,
    [property: JsonPropertyName("domains")] IReadOnlyDictionary<string, double> Domains,
    [property: JsonPropertyName("seconds")] double Seconds);
