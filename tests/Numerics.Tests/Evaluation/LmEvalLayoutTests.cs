using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Shear.Numerics.Evaluation;

namespace Shear.Numerics.Tests.Evaluation;

/// <summary>
/// <c>shear eval --lm-eval-out</c> writes what lm-evaluation-harness 0.4 writes: checked against two results files lm-eval
/// itself wrote (Fixtures/lmeval, a multiple-choice run and a gsm8k run): every top-level key and every config key they
/// have, and per task the same shapes (METRIC,FILTER with its METRIC_stderr,FILTER; n-samples original/effective; ...).
/// The shape rules are asserted on lm-eval's files too, so they describe lm-eval's layout, not Shear's.
/// </summary>
public sealed partial class LmEvalLayoutTests
{
    public static TheoryData<string> Fixtures() => ["results_multiple_choice.json", "results_gsm8k.json"];

    private static JsonObject Fixture(string name) => JsonNode.Parse(File.ReadAllText(Path.Combine(Tests.Fixtures.Root, "lmeval", name)))!.AsObject();

    private static JsonObject Shear()
    {
        var results = new List<BenchmarkResult>
        {
            new("csr", "arc_easy", "acc", 0.75, 4, 0.25, [1, 1, 0, 1]),
            new("csr", "arc_easy", "acc_norm", 0.5, 4, 0.29, [1, 0, 0, 1]),
            new("math", "gsm8k", "exact_match", 0.0, 1, null, [0]),
            new("ppl", "ppl/code", "perplexity", 7.5, 3, 1.2, [2.0, 2.1, 1.9]),
        };
        var report = LocalEvalJob.Report("/m/tiny", results, 12.5) with { Available = new Dictionary<string, int> { ["arc_easy"] = 2376, ["gsm8k"] = 1319 } };
        var options = new EvalOptions { Domains = ["csr", "math", "ppl"], Limit = 4, Seed = 7 };
        return JsonNode.Parse(LmEvalLayout.Of(report, options, 1234, DateTimeOffset.FromUnixTimeSeconds(1_800_000_000)).ToJsonString())!.AsObject();
    }

    [GeneratedRegex(@"^(?<metric>[A-Za-z0-9_@]+?)(?<stderr>_stderr)?,(?<filter>[A-Za-z0-9_-]+)$")]
    private static partial Regex MetricKey();

    // The shapes a results file has (lm-eval's or Shear's): each task's metrics with their stderr companions, and the tables keyed by task.
    private static void AssertLayout(JsonObject file)
    {
        var results = file["results"]!.AsObject();
        Assert.NotEmpty(results);
        foreach (var (task, node) in results)
        {
            var entry = node!.AsObject();
            Assert.Equal(JsonValueKind.String, entry["alias"]!.GetValueKind());
            var metrics = entry.Where(p => p.Key != "alias").Select(p => (p.Key, Match: MetricKey().Match(p.Key), p.Value)).ToList();
            Assert.All(metrics, m => Assert.True(m.Match.Success, $"{task}: key '{m.Key}' is not METRIC,FILTER"));
            foreach (var m in metrics.Where(m => !m.Match.Groups["stderr"].Success))
            {
                Assert.Equal(JsonValueKind.Number, m.Value!.GetValueKind());
                var stderr = entry[$"{m.Match.Groups["metric"].Value}_stderr,{m.Match.Groups["filter"].Value}"];
                Assert.True(stderr is not null, $"{task}: {m.Key} has no stderr companion");
                Assert.True(stderr!.GetValueKind() == JsonValueKind.Number || stderr.GetValue<string>() == "N/A", $"{task}: stderr of {m.Key}");
                Assert.Contains(file["higher_is_better"]![task]![m.Match.Groups["metric"].Value]!.GetValueKind(), new[] { JsonValueKind.True, JsonValueKind.False });
            }

            var samples = file["n-samples"]![task]!.AsObject();
            Assert.Equal(["effective", "original"], samples.Select(p => p.Key).Order(StringComparer.Ordinal));
            Assert.True(samples["effective"]!.GetValue<int>() <= samples["original"]!.GetValue<int>());
            Assert.Equal(JsonValueKind.Array, file["group_subtasks"]![task]!.GetValueKind());
            Assert.Equal(JsonValueKind.Number, file["versions"]![task]!.GetValueKind());
            Assert.Equal(JsonValueKind.Number, file["n-shot"]![task]!.GetValueKind());
            var config = file["configs"]![task]!.AsObject();
            Assert.Equal(task, config["task"]!.GetValue<string>());
            foreach (var key in new[] { "dataset_path", "output_type", "num_fewshot", "metric_list", "metadata" })
            {
                Assert.True(config.ContainsKey(key), $"{task}: config has no {key}");
            }

            Assert.All(config["metric_list"]!.AsArray(), m => Assert.True(m!["metric"] is not null && m["aggregation"] is not null && m["higher_is_better"] is not null));
        }

        Assert.Equal(JsonValueKind.Number, file["date"]!.GetValueKind());
        Assert.Equal(JsonValueKind.String, file["total_evaluation_time_seconds"]!.GetValueKind());
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void LmEvalsOwnFilesHaveTheLayoutTheTestChecks(string fixture) => AssertLayout(Fixture(fixture));

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void ShearsFileHasEveryKeyOfLmEvalsAndTheSameShapes(string fixture)
    {
        var lmEval = Fixture(fixture);
        var shear = Shear();
        AssertLayout(shear);
        Assert.Empty(lmEval.Select(p => p.Key).Except(shear.Select(p => p.Key)));
        Assert.Empty(lmEval["config"]!.AsObject().Select(p => p.Key).Except(shear["config"]!.AsObject().Select(p => p.Key)));
        foreach (var key in new[] { "results", "group_subtasks", "configs", "versions", "n-shot", "higher_is_better", "n-samples", "config", "task_hashes" })
        {
            Assert.Equal(lmEval[key]!.GetValueKind(), shear[key]!.GetValueKind());
        }
    }

    [Fact]
    public void ShearsValuesLandUnderLmEvalsTaskAndMetricKeys()
    {
        var shear = Shear();
        Assert.Equal(0.75, shear["results"]!["arc_easy"]!["acc,none"]!.GetValue<double>());
        Assert.Equal(0.25, shear["results"]!["arc_easy"]!["acc_stderr,none"]!.GetValue<double>());
        Assert.Equal("N/A", shear["results"]!["gsm8k"]!["exact_match_stderr,the-answer-is"]!.GetValue<string>()); // one item: no stderr
        Assert.Equal(7.5, shear["results"]!["ppl_code"]!["perplexity,none"]!.GetValue<double>());
        Assert.False(shear["higher_is_better"]!["ppl_code"]!["perplexity"]!.GetValue<bool>());
        Assert.Equal((2376, 4), (shear["n-samples"]!["arc_easy"]!["original"]!.GetValue<int>(), shear["n-samples"]!["arc_easy"]!["effective"]!.GetValue<int>()));
        Assert.Equal(8, shear["n-shot"]!["gsm8k"]!.GetValue<int>());
        Assert.Equal((4, 7L, 1234L), (shear["config"]!["limit"]!.GetValue<int>(), shear["config"]!["random_seed"]!.GetValue<long>(), shear["config"]!["model_num_parameters"]!.GetValue<long>()));
        Assert.Equal(1_800_000_000.0, shear["date"]!.GetValue<double>());
    }
}
