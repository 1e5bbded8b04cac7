using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using Shear.Numerics.Data;
using Shear.Numerics.Data.Builtin;

namespace Shear.Numerics.Tests.Data;

public sealed partial class BuiltinCorpusTests
{
    private static string Data => Path.Combine(ArchitectureTests.RepoRoot(), "data", "builtin");

    public static TheoryData<string> Sets() => new(BuiltinDatasets.Domains.Keys);

    [Theory]
    [MemberData(nameof(Sets))]
    public void CommittedTrainAndTestSplitsNeverShareARecord(string name)
    {
        var train = File.ReadAllLines(Path.Combine(Data, name, "train.jsonl")).Where(l => l.Length > 0).ToHashSet();
        var test = File.ReadAllLines(Path.Combine(Data, name, "test.jsonl")).Where(l => l.Length > 0).ToList();
        Assert.NotEmpty(test);
        Assert.True(train.Count >= 9 * test.Count - 9, $"{name}: {train.Count} train vs {test.Count} test");
        Assert.DoesNotContain(test, train.Contains);
        Assert.NotEmpty(BuiltinDatasets.Texts(Data, name, "test"));
    }

    [Fact]
    public void MathAnswersAreArithmeticallyRight()
    {
        foreach (var (question, answer) in MathCorpus.Problems(300, 11))
        {
            foreach (Match m in Calculation().Matches(answer))
            {
                long a = long.Parse(m.Groups[1].Value), b = long.Parse(m.Groups[3].Value), r = long.Parse(m.Groups[4].Value);
                long expected = m.Groups[2].Value switch { "+" => a + b, "-" => a - b, "*" => a * b, _ => a / b };
                Assert.True(expected == r, $"{m.Value} in: {question}");
            }

            var final = long.Parse(answer[(answer.LastIndexOf("#### ", StringComparison.Ordinal) + 5)..]);
            Assert.True(final >= 0, question);
            Assert.EndsWith($"#### {final}", answer, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void MoCatalogReadsPairsAndSkipsTheHeader()
    {
        var path = Path.Combine(Fixtures.TempDir(), "fr.mo");
        File.WriteAllBytes(path, MoFile([("", "Content-Type: text/plain\n"), ("Hello world", "Bonjour le monde"), ("menu\u0004Open file", "Ouvrir le fichier")]));
        Assert.Equal([("Hello world", "Bonjour le monde"), ("Open file", "Ouvrir le fichier")], MoCatalog.Read(path));
        File.WriteAllBytes(path, new byte[40]);
        var e = Assert.Throws<DataFormatException>(() => MoCatalog.Read(path));
        Assert.Equal($"{path}: not a .mo file (magic 0x00000000)", e.Message);
    }

    private static byte[] MoFile((string Id, string Str)[] entries)
    {
        // Header (28 bytes), originals table, translations table, then the strings (NUL-terminated).
        int n = entries.Length, tables = 28, strings = tables + (16 * n);
        var data = new List<byte>();
        var originals = new List<(int, int)>();
        var translations = new List<(int, int)>();
        foreach (var (id, _) in entries)
        {
            var b = Encoding.UTF8.GetBytes(id);
            originals.Add((b.Length, strings + data.Count));
            data.AddRange(b);
            data.Add(0);
        }

        foreach (var (_, str) in entries)
        {
            var b = Encoding.UTF8.GetBytes(str);
            translations.Add((b.Length, strings + data.Count));
            data.AddRange(b);
            data.Add(0);
        }

        var bytes = new byte[strings + data.Count];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, 0x950412de);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)n);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), (uint)tables);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), (uint)(tables + (8 * n)));
        for (int i = 0; i < n; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(tables + (8 * i)), (uint)originals[i].Item1);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(tables + (8 * i) + 4), (uint)originals[i].Item2);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(tables + (8 * n) + (8 * i)), (uint)translations[i].Item1);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(tables + (8 * n) + (8 * i) + 4), (uint)translations[i].Item2);
        }

        data.CopyTo(bytes, strings);
        return bytes;
    }

    [GeneratedRegex(@"<<(\d+)([-+*/])(\d+)=(\d+)>>")]
    private static partial Regex Calculation();
}
