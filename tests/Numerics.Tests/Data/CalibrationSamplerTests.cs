using System.Text;
using Shear.Numerics.Data;
using Shear.Numerics.Tokenization;

namespace Shear.Numerics.Tests.Data;

public sealed class CalibrationSamplerTests
{
    private static readonly Tokenizer Tok = TokenizerLoader.Load(Path.Combine(Fixtures.Root, "tokenizers", "llama3-bytelevel.json"));
    private static readonly IReadOnlyList<string> Docs = TextDocuments.Load(Path.Combine(Fixtures.Root, "calibration", "mixed.jsonl"));

    [Fact]
    public void WindowsAreExactSlicesOfDocumentsLongerThanSeqlen()
    {
        var encoded = Docs.Select(d => Tok.Encode(d)).ToList();
        var samples = CalibrationSampler.Draw(Docs, Tok, SamplingMode.Windows, 20, 16, 3, "mixed");
        Assert.Equal(20, samples.Count);
        foreach (var s in samples)
        {
            Assert.Equal(16, s.Length);
            Assert.Contains(encoded, ids => ids.Length > 16 && Enumerable.Range(0, ids.Length - 16).Any(i => ids.AsSpan(i, 16).SequenceEqual(s)));
        }
    }

    [Fact]
    public void WindowsFollowCPythonsDrawSequence()
    {
        // Hand-traced with random.seed(7): randint(0, 7) picks the document, randint(0, len - 16 - 1) the start.
        var rng = new PythonRandom(7);
        var encoded = Docs.Select(d => Tok.Encode(d)).ToList();
        int[] ids;
        do
        {
            ids = encoded[(int)rng.RandInt(0, Docs.Count - 1)];
        }
        while (ids.Length <= 16);
        long start = rng.RandInt(0, ids.Length - 16 - 1);
        var first = CalibrationSampler.Draw(Docs, Tok, SamplingMode.Windows, 1, 16, 7, "mixed")[0];
        Assert.Equal(ids[(int)start..((int)start + 16)], first);
    }

    [Fact]
    public void ExamplesAreWholeDocumentsDrawnWithReplacementAndCapped()
    {
        var samples = CalibrationSampler.Draw(Docs, Tok, SamplingMode.Examples, 100, 12, 0, "mixed");
        Assert.Equal(Docs.Count, samples.Count); // min(nsamples, len(docs))
        var rng = new PythonRandom(0);
        foreach (var s in samples)
        {
            var whole = Tok.Encode(Docs[(int)rng.RandInt(0, Docs.Count - 1)]);
            Assert.Equal(whole.Length > 12 ? whole[..12] : whole, s);
        }
    }

    [Fact]
    public void WindowsLongerThanEveryDocumentAreCutFromTheDocumentsJoinedAndRefusedOnlyBeyondAllOfThem()
    {
        var joined = Tok.Encode(string.Join("\n\n", Docs));
        int seqlen = Docs.Max(d => Tok.Encode(d).Length) + 1; // longer than any one document
        Assert.True(joined.Length > seqlen + 1, "the fixture documents together must exceed one window");
        var warnings = new List<string>();
        var samples = CalibrationSampler.Draw(Docs, Tok, SamplingMode.Windows, 5, seqlen, 0, "mixed", warnings.Add);
        Assert.Equal(5, samples.Count);
        foreach (var s in samples)
        {
            Assert.Equal(seqlen, s.Length);
            Assert.Contains(Enumerable.Range(0, joined.Length - seqlen + 1), start => joined.AsSpan(start, seqlen).SequenceEqual(s)); // a window of the joined text
        }

        Assert.Single(warnings);
        Assert.Contains("joined by blank lines", warnings[0], StringComparison.Ordinal);

        int beyond = Encoding.UTF8.GetByteCount(string.Join("\n\n", Docs)) + 10;
        var e = Assert.Throws<DataFormatException>(() => CalibrationSampler.Draw(Docs, Tok, SamplingMode.Windows, 4, beyond, 0, "mixed"));
        Assert.Equal($"mixed: all documents together are shorter than seqlen {beyond} tokens, so no window can be cut (lower --seqlen)", e.Message);
        Assert.Equal(SamplingMode.Examples, CalibrationSampler.Auto(Docs, 4096));
    }

    [Fact]
    public void MalformedJsonlLineIsNamed()
    {
        var path = Path.Combine(Fixtures.TempDir(), "bad.jsonl");
        File.WriteAllText(path, "{\"text\": \"fine\"}\n[1, 2]\n");
        var e = Assert.Throws<DataFormatException>(() => TextDocuments.Load(path));
        Assert.Equal($"{path}: line 2: expected a JSON object", e.Message);
    }

    [Fact]
    public void PlainTextSplitsOnBlankLines()
    {
        var docs = TextDocuments.Load(Path.Combine(Fixtures.Root, "calibration", "mixed.txt"));
        Assert.Equal(Docs, docs);
    }

    [Fact]
    public void AStreamIsCutAtCPythonsRandintsAsGetSelfgenCutsIt()
    {
        // python3: random.seed(0); [random.randint(0, 89) for _ in range(3)] == [49, 53, 5] (100 tokens, seqlen 10).
        var tokens = Enumerable.Range(1000, 100).ToArray();
        var samples = CalibrationSampler.Stream(tokens, 3, 10, 0, "stream");
        Assert.Equal([49, 53, 5], samples.Select(s => s[0] - 1000));
        Assert.All(samples, s => Assert.Equal(Enumerable.Range(s[0], 10), s));
        var e = Assert.Throws<DataFormatException>(() => CalibrationSampler.Stream(tokens[..10], 1, 10, 0, "generated:builtin_text"));
        Assert.Equal("generated:builtin_text: 10 tokens, not more than seqlen 10, so no window can be cut (lower --seqlen)", e.Message);
    }
}
