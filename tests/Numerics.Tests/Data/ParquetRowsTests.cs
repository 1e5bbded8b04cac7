using Parquet.Serialization;
using Shear.Numerics.Data;
using Shear.Numerics.Data.Registry;

namespace Shear.Numerics.Tests.Data;

public sealed class ParquetRowsTests
{
    private static string Root => Path.Combine(Fixtures.Root, "datasets");

    [Fact]
    public async Task ParquetAndJsonlOfTheSameRowsGiveTheSameTexts()
    {
        var dir = Fixtures.TempDir();
        Directory.CreateDirectory(Path.Combine(dir, "openbookqa"));
        var rows = new List<OpenBookQaRow>
        {
            new() { id = "7-980", question_stem = "The sun is responsible for", answerKey = "B",
                choices = new() { text = ["puppies learning new tricks", "plants sprouting, blooming and wilting"], label = ["A", "B"] } },
        };
        await using (var file = File.Create(Path.Combine(dir, "openbookqa", "train-00000-of-00001.parquet")))
        {
            await ParquetSerializer.SerializeAsync(rows, file, cancellationToken: TestContext.Current.CancellationToken);
        }

        var spec = DatasetRegistry.Find("openbookqa");
        Assert.Equal(CalibrationSource.Texts(spec, Root), CalibrationSource.Texts(spec, dir));
        var tok = Shear.Numerics.Tokenization.TokenizerLoader.Load(Path.Combine(Fixtures.Root, "tokenizers", "llama2-spm.json"));
        Assert.Equal(CalibrationSource.Draw("openbookqa", Root, tok, null, 4, 64, 1).Samples, CalibrationSource.Draw("openbookqa", dir, tok, null, 4, 64, 1).Samples);
    }

    [Fact]
    public void CorruptParquetNamesTheFile()
    {
        var dir = Fixtures.TempDir();
        Directory.CreateDirectory(Path.Combine(dir, "math_orca"));
        var file = Path.Combine(dir, "math_orca", "train.parquet");
        File.WriteAllBytes(file, [0x50, 0x41, 0x52, 0x31, 1, 2, 3, 4, 5, 6, 7, 8]);
        var e = Assert.Throws<DataFormatException>(() => CalibrationSource.Texts(DatasetRegistry.Find("math_orca"), dir));
        Assert.StartsWith($"{file}: not a readable Parquet file", e.Message, StringComparison.Ordinal);
    }

#pragma warning disable IDE1006 // Property names are the dataset's column names.
    public sealed class OpenBookQaRow
    {
        public string? id { get; set; }

        public string? question_stem { get; set; }

        public Choices? choices { get; set; }

        public string? answerKey { get; set; }
    }

    public sealed class Choices
    {
        public List<string>? text { get; set; }

        public List<string>? label { get; set; }
    }
#pragma warning restore IDE1006
}
