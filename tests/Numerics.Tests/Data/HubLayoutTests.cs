using Shear.Numerics.Data;
using Shear.Numerics.Data.Registry;
using Shear.Numerics.Tokenization;

namespace Shear.Numerics.Tests.Data;

/// <summary>
/// Calibration sets downloaded as the Hub lays them out (config folders, <c>SPLIT-0000K-of-0000N.parquet</c> shards,
/// the Hub's column schemas) give the same texts and draw the same samples as the same rows in the flat layout.
/// </summary>
public sealed class HubLayoutTests
{
    private static readonly Tokenizer Tok = TokenizerLoader.Load(Path.Combine(Fixtures.Root, "tokenizers", "llama2-spm.json"));

    public static TheoryData<string, string, int> CalibrationSets() => new()
    {
        // name, the Hub folder the train split is read from, its rows
        { "c4", "c4/en", 6 },
        { "wikitext2", "wikitext2/wikitext-2-raw-v1", 30 },
        { "humaneval", "humaneval/openai_humaneval", 5 },
        { "openbookqa", "openbookqa/main", 7 },
        { "hellaswag", "hellaswag/data", 6 },
        { "wmt14", "wmt14/fr-en", 8 },
        { "opus_books", "opus_books/en-fr", 8 },
    };

    [Theory]
    [MemberData(nameof(CalibrationSets))]
    public void HubLayoutDrawsTheSameSamplesAsTheFlatLayout(string name, string hubFolder, int rows)
    {
        var (flat, hub) = (Fixtures.TempDir(), Fixtures.TempDir());
        Write(name, flat, hub, rows);
        var spec = DatasetRegistry.Find(name);

        var where = DatasetRegistry.Locate(spec, hub);
        Assert.Equal(Path.Combine(hub, hubFolder), where.Folder);
        var texts = CalibrationSource.Texts(spec, hub);
        Assert.Equal(name switch { "wikitext2" => 1, "opus_books" => rows / 2, _ => rows }, texts.Count); // joined; the first half
        Assert.Equal(CalibrationSource.Texts(spec, flat), texts);
        var mode = name is "c4" or "wikitext2" ? SamplingMode.Windows : SamplingMode.Examples;
        Assert.Equal(CalibrationSource.Draw(name, flat, Tok, mode, 4, 32, 3).Samples, CalibrationSource.Draw(name, hub, Tok, mode, 4, 32, 3).Samples);
    }

    [Fact]
    public void AnotherConfigIsOneOptionAway()
    {
        var dir = Fixtures.TempDir();
        HubRows.RepositoryFiles(Path.Combine(dir, "openbookqa"));
        HubRows.Parquet(Path.Combine(dir, "openbookqa", "main", "train-00000-of-00001.parquet"), OpenBookQa(3, "main"));
        HubRows.Parquet(Path.Combine(dir, "openbookqa", "additional", "train-00000-of-00001.parquet"), OpenBookQa(2, "additional"));

        var main = CalibrationSource.Texts(DatasetRegistry.Find("openbookqa"), dir);
        var additional = CalibrationSource.Texts(DatasetRegistry.Find("openbookqa@additional"), dir);
        Assert.Equal(3, main.Count);
        Assert.StartsWith("[INST]\nChoose the right option: main question 0#Choices: A: main a0, B: main b0", main[0], StringComparison.Ordinal);
        Assert.Equal(2, additional.Count);
        Assert.StartsWith("[INST]\nChoose the right option: additional question 0#", additional[0], StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownConfigNamesItAndTheConfigsFound()
    {
        var dir = Fixtures.TempDir();
        HubRows.RepositoryFiles(Path.Combine(dir, "openbookqa"));
        HubRows.Parquet(Path.Combine(dir, "openbookqa", "main", "train-00000-of-00001.parquet"), OpenBookQa(1, "main"));
        HubRows.Parquet(Path.Combine(dir, "openbookqa", "additional", "train-00000-of-00001.parquet"), OpenBookQa(1, "additional"));

        var e = Assert.Throws<DataFormatException>(() => CalibrationSource.Texts(DatasetRegistry.Find("openbookqa@nosuch"), dir));
        Assert.Equal($"{Path.Combine(dir, "openbookqa", "nosuch")}: dataset 'openbookqa' has no config 'nosuch' with data files (configs found: additional, main)", e.Message);
    }

    [Fact]
    public void AConfigFolderWithOnlyTheCardIsNotData()
    {
        var dir = Fixtures.TempDir();
        HubRows.RepositoryFiles(Path.Combine(dir, "wmt14"));
        HubRows.RepositoryFiles(Path.Combine(dir, "wmt14", "fr-en"));
        var folder = Path.Combine(dir, "wmt14");

        var e = Assert.Throws<DataFormatException>(() => CalibrationSource.Texts(DatasetRegistry.Find("wmt14"), dir));
        Assert.Equal($"{folder}: no files for dataset 'wmt14' (looked in {folder}, {Path.Combine(folder, "fr-en")} or {Path.Combine(folder, "data")}; "
            + "put .jsonl/.json/.jsonl.gz/.json.gz/.parquet files of wmt/wmt14 fr-en {translation: {en, fr}} there, or its Hub repository as huggingface-cli downloads it)", e.Message);
    }

    [Fact]
    public void FlatFilesComeFirstAndShardsKeepTheirOrder()
    {
        var dir = Fixtures.TempDir();
        var root = Path.Combine(dir, "wmt14");
        HubRows.Parquet(Path.Combine(root, "fr-en", "train-00001-of-00002.parquet"), Translations(2, "b"));
        HubRows.Parquet(Path.Combine(root, "fr-en", "train-00000-of-00002.parquet"), Translations(2, "a"));
        HubRows.Parquet(Path.Combine(root, "fr-en", "validation-00000-of-00001.parquet"), Translations(2, "v"));
        Assert.Equal(["#Text: a en 0 #Translation: a fr 0", "#Text: a en 1 #Translation: a fr 1", "#Text: b en 0 #Translation: b fr 0", "#Text: b en 1 #Translation: b fr 1"],
            CalibrationSource.Texts(DatasetRegistry.Find("wmt14"), dir));

        HubRows.Jsonl(Path.Combine(root, "train.jsonl"), Translations(1, "flat"));
        Assert.Equal(["#Text: flat en 0 #Translation: flat fr 0"], CalibrationSource.Texts(DatasetRegistry.Find("wmt14"), dir));
    }

    private static void Write(string name, string flat, string hub, int rows)
    {
        var root = Path.Combine(hub, name);
        HubRows.RepositoryFiles(root);
        switch (name)
        {
            case "c4":
                var docs = Enumerable.Range(0, rows).Select(i => new C4Row { text = string.Join(" ", HubRows.Words(40, i)), timestamp = "2019-04-25T12:57:54Z", url = $"https://example.com/{i}" }).ToList();
                HubRows.Jsonl(Path.Combine(flat, name, "c4-train.00000-of-01024.json.gz"), docs, gzip: true);
                HubRows.Jsonl(Path.Combine(root, "en", "c4-train.00000-of-01024.json.gz"), docs.Take(4), gzip: true);
                HubRows.Jsonl(Path.Combine(root, "en", "c4-train.00001-of-01024.json.gz"), docs.Skip(4), gzip: true);
                HubRows.Jsonl(Path.Combine(root, "en", "c4-validation.00000-of-00008.json.gz"), docs.Take(1), gzip: true);
                break;
            case "wikitext2":
                var lines = HubRows.Words(rows, 1).Select(t => new TextRow { text = $" {t} \n" }).ToList();
                Both(flat, root, "wikitext-2-raw-v1", lines, [new TextRow { text = " = held out = \n" }]);
                break;
            case "humaneval":
                var problems = Enumerable.Range(0, rows).Select(i => new HumanEvalRow
                {
                    task_id = $"HumanEval/{i}", prompt = $"def f{i}(x):\n    \"\"\"Return x plus {i}.\"\"\"\n", canonical_solution = $"    return x + {i}\n",
                    test = $"def check(candidate):\n    assert candidate(1) == {i + 1}\n", entry_point = $"f{i}",
                }).ToList();
                HubRows.Jsonl(Path.Combine(flat, name, "HumanEval.jsonl"), problems);
                HubRows.Parquet(Path.Combine(root, "openai_humaneval", "test-00000-of-00001.parquet"), problems); // HumanEval has only a test split
                break;
            case "openbookqa":
                Both(flat, root, "main", OpenBookQa(rows, "q"), OpenBookQa(2, "held out"));
                break;
            case "hellaswag":
                Both(flat, root, "data", HellaSwag(rows, "train"), HellaSwag(2, "validation"));
                break;
            default:
                Both(flat, root, name == "wmt14" ? "fr-en" : "en-fr", Translations(rows, name), Translations(2, "held out"));
                break;
        }
    }

    /// <summary>The train rows flat (<c>NAME/train.jsonl</c>) and in the Hub's <c>CONFIG/train-00000-of-00001.parquet</c>, beside another split's shard.</summary>
    private static void Both<T>(string flat, string root, string config, List<T> train, List<T> other)
    {
        HubRows.Jsonl(Path.Combine(flat, Path.GetFileName(root), "train.jsonl"), train);
        HubRows.Parquet(Path.Combine(root, config, "train-00000-of-00001.parquet"), train);
        HubRows.Parquet(Path.Combine(root, config, "test-00000-of-00001.parquet"), other);
    }

    internal static List<OpenBookQaRow> OpenBookQa(int n, string tag) => Enumerable.Range(0, n).Select(i => new OpenBookQaRow
    {
        id = $"{tag}-{i}", question_stem = $"{tag} question {i}", answerKey = "ABCD"[i % 4].ToString(),
        choices = new ChoicesStruct { text = [$"{tag} a{i}", $"{tag} b{i}", $"{tag} c{i}", $"{tag} d{i}"], label = ["A", "B", "C", "D"] },
    }).ToList();

    internal static List<HellaSwagRow> HellaSwag(int n, string split) => Enumerable.Range(0, n).Select(i => new HellaSwagRow
    {
        ind = i, activity_label = "Removing ice from car", ctx_a = $"Then, the man writes over the snow {i}.", ctx_b = "then",
        ctx = $"Then, the man writes over the snow {i}. then", endings = [", the man adds wax.", ", the man continues [title] on.", " a third.", " a fourth."],
        source_id = $"activitynet~v_{i}", split = split, split_type = "indomain", label = (i % 4).ToString(System.Globalization.CultureInfo.InvariantCulture),
    }).ToList();

    internal static List<TranslationRow> Translations(int n, string tag) =>
        Enumerable.Range(0, n).Select(i => new TranslationRow { id = $"{i}", translation = new EnFr { en = $"{tag} en {i}", fr = $"{tag} fr {i}" } }).ToList();
}
