using System.Text.Json.Serialization;

namespace Shear.Numerics.Evaluation;

/// <summary>One benchmark's result.</summary>
/// <param name="Domain">ppl, csr, math, code or translation.</param>
/// <param name="Benchmark">Benchmark name (e.g. <c>builtin_commonsense</c>, <c>ppl/code</c>).</param>
/// <param name="Metric">Metric name (acc, acc_norm, exact_match, perplexity).</param>
/// <param name="Value">The value.</param>
/// <param name="Items">Items evaluated.</param>
/// <param name="StdErr">Its standard error (<see cref="StandardError"/>), null where it has none.</param>
/// <param name="PerItem">The per-item values (<see cref="Measured.PerItem"/>), null where not kept.</param>
public sealed record BenchmarkResult(
    [property: JsonPropertyName("domain")] string Domain,
    [property: JsonPropertyName("benchmark")] string Benchmark,
    [property: JsonPropertyName("metric")] string Metric,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("items")] int Items,
    [property: JsonPropertyName("stderr")] double? StdErr = null,
    [property: JsonPropertyName("per_item")] double[]? PerItem = null)
{
    /// <summary>The result of a measured benchmark.</summary>
    public static BenchmarkResult Of(string domain, string benchmark, string metric, Measured measured, int items)
    {
        ArgumentNullException.ThrowIfNull(measured);
        return new BenchmarkResult(domain, benchmark, metric, measured.Value, items, measured.StdErr, measured.PerItem);
    }

    /// <summary>The value with its standard error.</summary>
    [JsonIgnore]
    public Estimate Estimate => new(Value, StdErr);
}

/// <summary>
/// eval.json: every benchmark result of one model (each with its standard error), and the domain scores (mean of the
/// domain's benchmarks' main metric) with theirs.
/// </summary>
/// <param name="Model">The evaluated checkpoint.</param>
/// <param name="Results">All results.</param>
/// <param name="Domains">Domain score per domain.</param>
/// <param name="Seconds">Wall time.</param>
public sealed record EvalReport(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("results")] IReadOnlyList<BenchmarkResult> Results,
    [property: JsonPropertyName("domains")] IReadOnlyDictionary<string, double> Domains,
    [property: JsonPropertyName("seconds")] double Seconds)
{
    /// <summary>Standard error of each domain score (<see cref="StandardError.OfAverage"/>), where every benchmark of the domain has one.</summary>
    [JsonPropertyName("domain_stderr")]
    public IReadOnlyDictionary<string, double> DomainStdErrs { get; init; } = new Dictionary<string, double>();

    /// <summary>
    /// Per domain scored without its real benchmarks: why (which were missing, where it looked) and on what instead
    /// (<see cref="DomainPlan.Fallback"/>). Empty when every domain ran its real benchmarks; absent in older files.
    /// </summary>
    [JsonPropertyName("fallbacks")]
    public IReadOnlyDictionary<string, string> Fallbacks { get; init; } = new Dictionary<string, string>();

    /// <summary>Items each benchmark had before <c>--limit</c> (absent for perplexity windows and in older files).</summary>
    [JsonPropertyName("available")]
    public IReadOnlyDictionary<string, int> Available { get; init; } = new Dictionary<string, int>();
}
