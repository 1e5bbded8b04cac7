using System.IO.Compression;
using Shear.Numerics.Data;
using Shear.Numerics.Data.Registry;
using Shear.Numerics.Tokenization;

namespace Shear.Numerics.Tests.Data;

public sealed class DatasetRegistryTests
{
    private static string Root => Path.Combine(Fixtures.Root, "datasets");

    private static readonly Tokenizer Tok = TokenizerLoader.Load(Path.Combine(Fixtures.Root, "tokenizers", "llama3-bytelevel.json"));

    // Each expected text follows ANCHORS §2.3's template applied by hand to the fixture row.
    public static TheoryData<string, string> Expected() => new()
    {
        { "c4", "Beginners BBQ Class Taking Place in Missoula! Do you want to get better at making delicious BBQ?" },
        { "wikitext2", "  = Valkyria Chronicles III = \n  Senjō no Valkyria 3 is a tactical role @-@ playing video game . \n" },
        { "humaneval", "def add(a, b):\n    \"\"\"Add two numbers.\"\"\"\n    return a + b\n" },
        { "python_alpaca", "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\nCreate a function to add two numbers.\n\n### Input:\n\n\n### Output:\ndef add(a, b):\n    return a + b" },
        { "apps", "[\"print(sum(map(int, input().split())))\"]" },
        { "github_python", "import os\nprint(os.getcwd())\n" },
        { "openbookqa", "[INST]\nChoose the right option: The sun is responsible for#Choices: A: puppies learning new tricks, B: plants sprouting, blooming and wilting\n[/INST]\n" },
        { "hellaswag", "[INST]\nChoose the most appropriate ending: Then, the man writes over the snow. then###Options: 1: , the man adds wax. 2: , the man continues.\n[/INST]n" },
        { "commonsenseqa", "[INST]\nChoose the right option related to the following sentence. The sanctions against the school were a punishing blow. A: ignore, B: enforce\n[/INST]\n" },
        { "wmt14", "#Text: Resumption of the session #Translation: Reprise de la session" },
        { "song_translation", "#Text: Hello my love #Translation: Bonjour mon amour" },
        { "opus_books", "#Text: The Wanderer #Translation: Le grand Meaulnes" },
        { "math_qa", "What is 2 + 3?\n2 + 3 = 5.\nThe answer is: 5" },
        { "math_instruct", "What is 4 * 5?\n4 * 5 = 20. The answer is 20." },
        { "math_orca", "What is 9 - 4?\n9 - 4 = 5" },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public void FirstRowBecomesTheThesisTemplate(string name, string expected)
    {
        var texts = CalibrationSource.Texts(DatasetRegistry.Find(name), Root);
        Assert.Equal(expected, texts[0]);
    }

    [Fact]
    public void UnusableRowsAreNullAndOpusKeepsTheFirstHalf()
    {
        Assert.Equal([null], CalibrationSource.Texts(DatasetRegistry.Find("song_translation"), Root).Skip(1));
        Assert.Single(CalibrationSource.Texts(DatasetRegistry.Find("opus_books"), Root));
    }

    [Fact]
    public void JsonArrayAndJsonLinesOfTheSameRowsGiveTheSameSamples()
    {
        var dir = Fixtures.TempDir();
        Directory.CreateDirectory(Path.Combine(dir, "math_orca"));
        var rows = Enumerable.Range(0, 12).Select(i => $"{{\"question\": \"What is {i} + {i}?\", \"answer\": \"{2 * i}\"}}").ToList();
        File.WriteAllText(Path.Combine(dir, "math_orca", "train.json"), "[" + string.Join(",\n", rows) + "]");
        var fromJson = CalibrationSource.Draw("math_orca", dir, Tok, null, 8, 64, 5).Samples;
        File.Delete(Path.Combine(dir, "math_orca", "train.json"));
        File.WriteAllLines(Path.Combine(dir, "math_orca", "train.jsonl"), rows);
        var fromJsonl = CalibrationSource.Draw("math_orca", dir, Tok, null, 8, 64, 5).Samples;
        Assert.Equal(fromJson, fromJsonl);
        Assert.Equal(fromJsonl, CalibrationSource.Draw("math_orca", dir, Tok, null, 8, 64, 5).Samples);
        Assert.NotEqual(fromJsonl, CalibrationSource.Draw("math_orca", dir, Tok, null, 8, 64, 6).Samples);
    }

    [Fact]
    public void MissingFieldNamesDatasetFileLineAndField()
    {
        var dir = Fixtures.TempDir();
        var folder = Path.Combine(dir, "math_instruct");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "train.jsonl");
        File.WriteAllText(file, "{\"instruction\": \"a\", \"output\": \"b\"}\n\n{\"instruction\": \"c\", \"answer\": \"d\"}\n");
        var e = Assert.Throws<DataFormatException>(() => CalibrationSource.Texts(DatasetRegistry.Find("math_instruct"), dir));
        Assert.Equal($"{file}: line 3: dataset 'math_instruct': missing field 'output'", e.Message);
    }

    [Fact]
    public void TruncatedGzipNamesTheFile()
    {
        var dir = Fixtures.TempDir();
        Directory.CreateDirectory(Path.Combine(dir, "c4"));
        var file = Path.Combine(dir, "c4", "c4-train.00000-of-01024.json.gz");
        var whole = File.ReadAllBytes(Path.Combine(Root, "c4", "c4-train.00000-of-01024.json.gz"));
        File.WriteAllBytes(file, whole[..(whole.Length / 2)]);
        var e = Assert.Throws<DataFormatException>(() => CalibrationSource.Texts(DatasetRegistry.Find("c4"), dir));
        Assert.StartsWith($"{file}: corrupt or truncated gzip data (decompressed ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownNameListsTheKnownOnes()
    {
        var e = Assert.Throws<DataFormatException>(() => DatasetRegistry.Find("wikitext9"));
        Assert.StartsWith("wikitext9: unknown dataset (known: c4, wikitext2, humaneval, python_alpaca, apps, github_python, openbookqa,", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("builtin_math, builtin_text)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FewerRowsThanNsamplesWarnsWithTheNumberUsed()
    {
        var warnings = new List<string>();
        var (samples, mode) = CalibrationSource.Draw("openbookqa", Root, Tok, null, 128, 512, 0, warnings.Add);
        Assert.Equal(SamplingMode.Examples, mode);
        Assert.Single(samples);
        Assert.Equal(["warning: openbookqa has 1 usable rows, fewer than nsamples 128; using 1 draws"], warnings);
    }

    [Fact]
    public void GzipJsonLinesShardsReadLikeWandasC4()
    {
        using var check = new GZipStream(File.OpenRead(Path.Combine(Root, "c4", "c4-train.00000-of-01024.json.gz")), CompressionMode.Decompress);
        Assert.Single(CalibrationSource.Texts(DatasetRegistry.Find("c4"), Root));
    }
}
