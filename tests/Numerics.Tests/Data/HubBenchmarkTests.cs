using System.Text.Json;
using Shear.Numerics.Data;
using Shear.Numerics.Data.Registry;
using Shear.Numerics.Evaluation;
using Shear.Numerics.Evaluation.Choice;
using Shear.Numerics.Evaluation.Code;
using Shear.Numerics.Evaluation.Translation;

namespace Shear.Numerics.Tests.Data;

/// <summary>
/// Benchmarks downloaded as the Hub lays them out are found in their default config and split (lm-eval's choice) and
/// give the eval job's loaders the same items as the flat layout; a domain with nothing to score is an error.
/// </summary>
public sealed class HubBenchmarkTests
{
    public static TheoryData<string, string, string> Benchmarks() => new()
    {
        // benchmark, the Hub folder and file its split is read from
        { "gsm8k", "gsm8k/main", "test-00000-of-00001.parquet" },
        { "arc_easy", "ai2_arc/ARC-Easy", "test-00000-of-00001.parquet" },
        { "arc_challenge", "ai2_arc/ARC-Challenge", "test-00000-of-00001.parquet" },
        { "openbookqa", "openbookqa/main", "test-00000-of-00001.parquet" },
        { "winogrande", "winogrande/winogrande_xl", "validation-00000-of-00001.parquet" },
        { "hellaswag", "hellaswag/data", "validation-00000-of-00001.parquet" },
        { "boolq", "boolq/data", "validation-00000-of-00001.parquet" },
        { "wmt14", "wmt14/fr-en", "test-00000-of-00001.parquet" },
        { "opus_books", "opus_books/en-fr", "train-00000-of-00001.parquet" },
        { "wikitext2", "wikitext2/wikitext-2-raw-v1", "test-00000-of-00001.parquet" },
        { "humaneval", "humaneval/openai_humaneval", "test-00000-of-00001.parquet" },
    };

    [Theory]
    [MemberData(nameof(Benchmarks))]
    public void HubLayoutGivesTheSameItemsAsTheFlatLayout(string name, string folder, string file)
    {
        var (flat, hub) = (Fixtures.TempDir(), Fixtures.TempDir());
        int expected = Write(name, flat, hub);
        var benchmark = EvalBenchmarks.All.Single(b => b.Name == name);

        var where = benchmark.Locate(hub);
        Assert.Equal(Path.Combine(hub, folder), where.Folder);
        Assert.Equal([file], where.Files.Select(Path.GetFileName));
        var items = Items(benchmark, hub);
        Assert.Equal(expected, items.Count);
        Assert.Equal(Items(benchmark, flat), items);
        if (Golds.TryGetValue(name, out var golds))
        {
            Assert.Equal(golds, items.Select(i => int.Parse(i[(i.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    // The gold index of each row written below, worked out from its answer column: ARC's first row keys "3" of 1-3,
    // the rest "B"; openbookqa "ABCD"[i % 4]; winogrande "1"/"2"; hellaswag label i % 4; boolq true (yes = 0) on even rows.
    private static readonly Dictionary<string, int[]> Golds = new()
    {
        ["arc_easy"] = [2, 1, 1, 1], ["arc_challenge"] = [2, 1, 1], ["openbookqa"] = [0, 1, 2, 3, 0, 1],
        ["winogrande"] = [0, 1, 0, 1], ["hellaswag"] = [0, 1, 2, 3, 0], ["boolq"] = [0, 1, 0, 1],
    };

    [Fact]
    public void MbppFullReadsTheTestTaskIdsAsTheFlatFileDoes()
    {
        var (flat, hub) = (Fixtures.TempDir(), Fixtures.TempDir());
        MbppRow Row(int id) => new() { task_id = id, text = $"Write f{id}.", code = $"def f{id}(): return {id}", test_list = [$"assert f{id}() == {id}"], test_setup_code = "", challenge_test_list = [] };
        HubRows.Jsonl(Path.Combine(flat, "mbpp", "mbpp.jsonl"), new[] { 2, 11, 12, 510, 511, 601 }.Select(Row));
        HubRows.RepositoryFiles(Path.Combine(hub, "mbpp"));
        HubRows.Parquet(Path.Combine(hub, "mbpp", "full", "prompt-00000-of-00001.parquet"), [Row(2)]);
        HubRows.Parquet(Path.Combine(hub, "mbpp", "full", "test-00000-of-00001.parquet"), [Row(11), Row(12), Row(510)]);
        HubRows.Parquet(Path.Combine(hub, "mbpp", "full", "validation-00000-of-00001.parquet"), [Row(511)]);
        HubRows.Parquet(Path.Combine(hub, "mbpp", "full", "train-00000-of-00001.parquet"), [Row(601)]);
        var mbpp = EvalBenchmarks.All.Single(b => b.Name == "mbpp");

        var items = Items(mbpp, hub);
        Assert.Equal(["11 Write f11. assert f11() == 11", "12 Write f12. assert f12() == 12", "510 Write f510. assert f510() == 510"], items);
        Assert.Equal(Items(mbpp, flat), items);
    }

    [Fact]
    public void AMissingBenchmarkFallsBackToTheBuiltInSetAndSaysSo()
    {
        var dir = Fixtures.TempDir();
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(dir, "builtin", "builtin_math")).FullName, "test.jsonl"), "{\"question\": \"1+1?\", \"answer\": \"#### 2\"}\n");
        HubRows.RepositoryFiles(Path.Combine(dir, "gsm8k"));

        var plan = EvalBenchmarks.Plan("math", dir);
        var g = Path.Combine(dir, "gsm8k");
        Assert.Equal(["builtin_math"], plan.Benchmarks.Select(b => b.Name));
        Assert.Equal($"math: none of gsm8k in {dir} (shear data list --data-dir {dir} shows where each is looked for); scoring the built-in builtin_math instead", plan.Fallback);
    }

    [Fact]
    public void NothingToScoreIsAnErrorNamingTheBenchmarksAndFolders()
    {
        var dir = Fixtures.TempDir();
        var g = Path.Combine(dir, "gsm8k");
        var e = Assert.Throws<DataFormatException>(() => EvalBenchmarks.Plan("math", dir));
        Assert.Equal($"{dir}: math: no benchmark to score: gsm8k not in {g}, {Path.Combine(g, "main")} or {Path.Combine(g, "data")}; "
            + $"nor the built-in builtin_math in {Path.Combine(dir, "builtin", "builtin_math")}", e.Message);
    }

    [Fact]
    public void AChosenConfigIsReadAndAnAbsentOneIsNamed()
    {
        var dir = Fixtures.TempDir();
        HubRows.Parquet(Path.Combine(dir, "openbookqa", "main", "test-00000-of-00001.parquet"), HubLayoutTests.OpenBookQa(3, "main"));
        HubRows.Parquet(Path.Combine(dir, "openbookqa", "additional", "test-00000-of-00001.parquet"), HubLayoutTests.OpenBookQa(2, "additional"));
        var configs = EvalBenchmarks.Configs(["openbookqa@additional"]);

        var plan = EvalBenchmarks.Plan("csr", dir, configs);
        Assert.Null(plan.Fallback);
        var benchmark = Assert.Single(plan.Benchmarks);
        Assert.Equal(Path.Combine(dir, "openbookqa", "additional"), benchmark.Locate(dir).Folder);
        Assert.Equal(2, Items(benchmark, dir).Count);
        var e = Assert.Throws<DataFormatException>(() => EvalBenchmarks.Plan("csr", dir, EvalBenchmarks.Configs(["openbookqa@nosuch"])));
        Assert.EndsWith("dataset 'openbookqa' has no config 'nosuch' with data files (configs found: additional, main)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => EvalBenchmarks.Configs(["poetry@main"]));
    }

    [Fact]
    public void EvalJsonWithoutFallbacksStillReads()
    {
        var old = "{\"model\": \"m\", \"results\": [], \"domains\": {\"csr\": 0.5}, \"seconds\": 1, \"domain_stderr\": {}}";
        Assert.Empty(JsonSerializer.Deserialize<EvalReport>(old)!.Fallbacks);
        var report = new EvalReport("m", [], new Dictionary<string, double>(), 1) { Fallbacks = new Dictionary<string, string> { ["math"] = "why" } };
        Assert.Equal("why", JsonSerializer.Deserialize<EvalReport>(JsonSerializer.Serialize(report))!.Fallbacks["math"]);
    }

    /// <summary>The items the eval job would score, each as one comparable line, through the loaders it uses.</summary>
    private static List<string> Items(EvalBenchmark benchmark, string dir)
    {
        var files = benchmark.Files(dir);
        return benchmark.Domain switch
        {
            "csr" => files.SelectMany(f => CommonsenseTasks.Load(benchmark.Name, f))
                .Select(i => $"{string.Join(" | ", i.Requests.Select(r => r.Context + "->" + r.Continuation))} gold {i.Gold}").ToList(),
            "translation" => TranslationTask.Load(files, secondHalf: benchmark.Name == "opus_books").Select(p => $"{p.English} -> {p.French}").ToList(),
            "code" when benchmark.Name == "mbpp" => files.SelectMany(MbppProblem.Load).Where(p => p.IsTest).Select(p => $"{p.TaskId} {p.Text} {string.Join(";", p.Tests)}").ToList(),
            "code" => files.SelectMany(HumanEvalProblem.Load).Select(p => p.Program(p.CanonicalSolution)).ToList(),
            "math" => files.SelectMany(RowReader.Read).Select(r => $"{Templates.Str(r.Row, "question")} -> {Templates.Str(r.Row, "answer")}").ToList(),
            _ => files.SelectMany(RowReader.Read).Select(r => Templates.Str(r.Row, "text")).ToList(),
        };
    }

    /// <summary>Writes the benchmark's evaluation rows flat and in the Hub's layout (beside its other splits and configs); returns the items expected.</summary>
    private static int Write(string name, string flat, string hub) => name switch
    {
        "gsm8k" => Both(flat, hub, name, "main", "test", Enumerable.Range(0, 5).Select(i => new Gsm8kRow { question = $"What is {i} + {i}?", answer = $"{i} + {i} = {2 * i}\n#### {2 * i}" }).ToList()),
        "arc_easy" or "arc_challenge" => Arc(flat, hub, name),
        "openbookqa" => Both(flat, hub, name, "main", "test", HubLayoutTests.OpenBookQa(6, "obqa")),
        "winogrande" => Both(flat, hub, name, "winogrande_xl", "validation", Enumerable.Range(0, 4).Select(i => new WinograndeRow
            { sentence = $"Sarah was a much better surgeon than Maria so _ always got the harder cases {i}.", option1 = "Sarah", option2 = "Maria", answer = (1 + (i % 2)).ToString(System.Globalization.CultureInfo.InvariantCulture) }).ToList()),
        "hellaswag" => Both(flat, hub, name, "data", "validation", HubLayoutTests.HellaSwag(5, "val")),
        "boolq" => Both(flat, hub, name, "data", "validation", Enumerable.Range(0, 4).Select(i => new BoolQRow { question = $"is it {i}", passage = $"Passage {i}.", answer = i % 2 == 0 }).ToList()),
        "wmt14" => Both(flat, hub, name, "fr-en", "test", HubLayoutTests.Translations(6, "wmt")),
        "opus_books" => Both(flat, hub, name, "en-fr", "train", HubLayoutTests.Translations(6, "opus")) / 2, // the second half of train
        "wikitext2" => Both(flat, hub, name, "wikitext-2-raw-v1", "test", HubRows.Words(7, 2).Select(t => new TextRow { text = t }).ToList()),
        _ => Both(flat, hub, name, "openai_humaneval", "test", Enumerable.Range(0, 3).Select(i => new HumanEvalRow
            { task_id = $"HumanEval/{i}", prompt = $"def f{i}():\n", canonical_solution = $"    return {i}\n", test = $"def check(c):\n    assert c() == {i}\n", entry_point = $"f{i}" }).ToList()),
    };

    private static int Both<T>(string flat, string hub, string name, string config, string split, List<T> rows)
    {
        HubRows.Jsonl(Path.Combine(flat, name, name == "humaneval" ? "HumanEval.jsonl" : $"{split}.jsonl"), rows);
        HubRows.RepositoryFiles(Path.Combine(hub, name));
        HubRows.Parquet(Path.Combine(hub, name, config, $"{split}-00000-of-00001.parquet"), rows);
        if (name != "humaneval")
        {
            HubRows.Parquet(Path.Combine(hub, name, config, $"{(split == "train" ? "test" : "train")}-00000-of-00001.parquet"), rows.Take(1).ToList()); // another split, never read
        }

        return rows.Count;
    }

    /// <summary>ARC as one repository (allenai/ai2_arc) with both configs; the flat layout has one folder per benchmark.</summary>
    private static int Arc(string flat, string hub, string name)
    {
        List<ArcRow> Rows(string tag, int n) => Enumerable.Range(0, n).Select(i => new ArcRow
        {
            id = $"{tag}-{i}", question = $"{tag} question {i}?", answerKey = i == 0 ? "3" : "B",
            choices = new ChoicesStruct { text = [$"{tag} one", $"{tag} two", $"{tag} three"], label = i == 0 ? ["1", "2", "3"] : ["A", "B", "C"] },
        }).ToList();
        var (easy, challenge) = (Rows("easy", 4), Rows("challenge", 3));
        var mine = name == "arc_easy" ? easy : challenge;
        HubRows.Jsonl(Path.Combine(flat, name, "test.jsonl"), mine);
        HubRows.RepositoryFiles(Path.Combine(hub, "ai2_arc"));
        foreach (var (config, rows) in new[] { ("ARC-Easy", easy), ("ARC-Challenge", challenge) })
        {
            HubRows.Parquet(Path.Combine(hub, "ai2_arc", config, "test-00000-of-00001.parquet"), rows);
            HubRows.Parquet(Path.Combine(hub, "ai2_arc", config, "train-00000-of-00001.parquet"), rows.Take(1).ToList());
        }

        return mine.Count;
    }
}
