using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;

namespace Shear.Numerics.Evaluation;

/// <summary>
/// An evaluation in the layout of lm-evaluation-harness 0.4's results file (<c>lm_eval --output_path</c>), so tools that
/// compare models read Shear's results: <c>results</c> -> task -> <c>"METRIC,FILTER"</c> and
/// <c>"METRIC_stderr,FILTER"</c> (<c>"N/A"</c> without one) and <c>alias</c>; <c>group_subtasks</c>, <c>configs</c>,
/// <c>versions</c>, <c>n-shot</c>, <c>higher_is_better</c>, <c>n-samples</c> (original and effective item counts),
/// <c>config</c> (model, limit, seeds), <c>git_hash</c> and <c>date</c>. Task names are lm-eval's where Shear scores the
/// same data (arc_easy, boolq, gsm8k, ...); the filter says how Shear scores it (<c>none</c>; gsm8k: the thesis's 8-shot
/// chain-of-thought answer, <c>the-answer-is</c>), and each task's config names Shear's benchmark and metric.
/// </summary>
public static class LmEvalLayout
{
    private static readonly Dictionary<string, string> TaskNames = new(StringComparer.Ordinal)
    {
        ["wmt14"] = "wmt14-en-fr", ["openai_humaneval"] = "humaneval",
    };

    /// <summary>Shear's version and the commit it was built from (the build's informational version, <c>1.0.0+SHA</c>).</summary>
    public static (string Version, string? GitHash) Build()
    {
        var info = typeof(LmEvalLayout).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        int plus = info.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? (info, null) : (info[..plus], info[(plus + 1)..] is { Length: >= 7 } sha ? sha[..7] : null);
    }

    /// <summary>The lm-eval task name of a Shear benchmark.</summary>
    public static string TaskOf(string benchmark) =>
        TaskNames.TryGetValue(benchmark, out var task) ? task : benchmark.Replace('/', '_');

    /// <summary>The results file of <paramref name="report"/>, evaluated with <paramref name="options"/> (<paramref name="parameters"/>: the model's parameter count, when known).</summary>
    public static JsonObject Of(EvalReport report, EvalOptions options, long? parameters = null, DateTimeOffset? at = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(options);
        var (version, gitHash) = Build();
        JsonObject results = [], subtasks = [], configs = [], versions = [], shots = [], better = [], samples = [];
        foreach (var group in report.Results.GroupBy(r => r.Benchmark))
        {
            var task = TaskOf(group.Key);
            var first = group.First();
            string filter = first.Domain == "math" ? "the-answer-is" : "none";
            var entry = new JsonObject { ["alias"] = task };
            foreach (var r in group)
            {
                entry[$"{r.Metric},{filter}"] = r.Value;
                entry[$"{r.Metric}_stderr,{filter}"] = r.StdErr is { } se ? JsonValue.Create(se) : JsonValue.Create("N/A");
            }

            results[task] = entry;
            subtasks[task] = new JsonArray();
            int shot = first.Domain == "math" ? 8 : 0;
            configs[task] = new JsonObject
            {
                ["task"] = task,
                ["dataset_path"] = group.Key,
                ["output_type"] = first.Domain switch { "csr" => "multiple_choice", "ppl" => "loglikelihood_rolling", _ => "generate_until" },
                ["num_fewshot"] = shot,
                ["metric_list"] = new JsonArray([.. group.Select(r => (JsonNode)new JsonObject { ["metric"] = r.Metric, ["aggregation"] = "mean", ["higher_is_better"] = r.Metric != "perplexity" })]),
                ["metadata"] = new JsonObject { ["version"] = 1.0, ["scorer"] = "shear", ["shear_benchmark"] = group.Key, ["shear_domain"] = first.Domain },
            };
            versions[task] = 1.0;
            shots[task] = shot;
            better[task] = new JsonObject(group.Select(r => KeyValuePair.Create(r.Metric, (JsonNode?)JsonValue.Create(r.Metric != "perplexity"))));
            samples[task] = new JsonObject { ["original"] = report.Available.TryGetValue(group.Key, out int all) ? all : first.Items, ["effective"] = first.Items };
        }

        return new JsonObject
        {
            ["results"] = results,
            ["group_subtasks"] = subtasks,
            ["configs"] = configs,
            ["versions"] = versions,
            ["n-shot"] = shots,
            ["higher_is_better"] = better,
            ["n-samples"] = samples,
            ["config"] = new JsonObject
            {
                ["model"] = "shear",
                ["model_args"] = $"pretrained={report.Model}",
                ["model_num_parameters"] = parameters,
                ["model_dtype"] = Models.ModelOptions.ComputeDTypeOf(options.DType) switch { Experiment.ComputeDType.Bf16 => "torch.bfloat16", Experiment.ComputeDType.Fp16 => "torch.float16", _ => "torch.float32" },
                ["model_revision"] = null,
                ["model_sha"] = null,
                ["batch_size"] = "auto",
                ["batch_sizes"] = new JsonArray(),
                ["device"] = options.Device,
                ["use_cache"] = null,
                ["limit"] = options.Limit,
                ["bootstrap_iters"] = 0,
                ["gen_kwargs"] = null,
                ["random_seed"] = options.Seed,
                ["numpy_seed"] = options.Seed,
                ["torch_seed"] = options.Seed,
                ["fewshot_seed"] = options.Seed,
            },
            ["git_hash"] = gitHash,
            ["date"] = (at ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds() / 1000.0,
            ["pretty_env_info"] = $"shear {version}; .NET {Environment.Version}; {System.Runtime.InteropServices.RuntimeInformation.OSDescription}",
            ["transformers_version"] = null,
            ["upper_git_hash"] = null,
            ["tokenizer_pad_token"] = null,
            ["tokenizer_eos_token"] = null,
            ["tokenizer_bos_token"] = null,
            ["eot_token_id"] = null,
            ["max_length"] = null,
            ["task_hashes"] = new JsonObject(),
            ["model_source"] = "shear",
            ["model_name"] = report.Model,
            ["model_name_sanitized"] = report.Model.Replace('/', '_'),
            ["system_instruction"] = null,
            ["system_instruction_sha"] = null,
            ["fewshot_as_multiturn"] = false,
            ["chat_template"] = null,
            ["chat_template_sha"] = null,
            ["start_time"] = null,
            ["end_time"] = null,
            ["total_evaluation_time_seconds"] = report.Seconds.ToString(CultureInfo.InvariantCulture),
            ["shear_version"] = version,
        };
    }
}
