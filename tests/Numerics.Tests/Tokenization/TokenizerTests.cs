using Shear.Numerics.Tokenization;
using HfTokenizer = Tokenizers.DotNet.Tokenizer;

namespace Shear.Numerics.Tests.Tokenization;

public sealed class TokenizerTests
{
    private static readonly string[] Files = ["gpt2-bytelevel", "llama3-bytelevel", "llama2-spm"];

    private static readonly string[] Texts =
    [
        "Hello world",
        "The quick brown fox jumps over the lazy dog.",
        "  leading spaces and trailing   ",
        "def add(a, b):\n    return a + b  # the sum\n\n\tx = 12345678 + 0.5",
        "Où est la gare ? C'est là-bas, à côté du café.",
        "It's what they'll do, isn't it? We've seen you're right: I'd say I'm sure. IT'S LOUD.",
        "emoji 🦊🦊 and CJK 日本語 and ﬁ ligature",
        "Natalia sold 48 clips in April. #### 72",
        "line\r\nwindows\r\n\r\nend",
        "",
        " ",
        "a<|endoftext|>b <s> c</s>",
    ];

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var f in Files)
        {
            for (int i = 0; i < Texts.Length; i++)
            {
                data.Add(f, i);
            }
        }

        return data;
    }

    private static string PathOf(string name) => Path.Combine(Fixtures.Root, "tokenizers", name + ".json");

    [Theory]
    [MemberData(nameof(Cases))]
    public void EncodeAndDecodeMatchHuggingFaceTokenizers(string file, int textIndex)
    {
        var text = Texts[textIndex];
        var mine = TokenizerLoader.Load(PathOf(file));
        using var reference = new HfTokenizer(PathOf(file));
        var expected = reference.Encode(text).Select(x => (int)x).ToArray();
        Assert.Equal(expected, mine.Encode(text, addSpecialTokens: true));
        Assert.Equal(reference.Decode(expected.Select(x => (uint)x).ToArray()), mine.Decode(expected, skipSpecialTokens: true));
    }

    [Theory]
    [InlineData("gpt2-bytelevel")]
    [InlineData("llama3-bytelevel")]
    [InlineData("llama2-spm")]
    public void DecodeInvertsEncodeForPlainText(string file)
    {
        var tok = TokenizerLoader.Load(PathOf(file));
        foreach (var text in Texts.Where(t => !t.Contains('<', StringComparison.Ordinal) && t.Trim().Length > 0 && !t.StartsWith(' ')))
        {
            Assert.Equal(text, tok.Decode(tok.Encode(text, addSpecialTokens: false)));
        }
    }

    [Fact]
    public void SpecialTokensComeFromThePostProcessor()
    {
        var llama3 = TokenizerLoader.Load(PathOf("llama3-bytelevel"));
        Assert.Equal(llama3.TokenToId("<|begin_of_text|>"), llama3.BosTokenId);
        Assert.Equal(llama3.TokenToId("<|end_of_text|>"), llama3.EosTokenId);
        var ids = llama3.Encode("Hello");
        Assert.Equal(llama3.BosTokenId, ids[0]);
        Assert.Equal(ids[1..], llama3.Encode("Hello", addSpecialTokens: false));

        var spm = TokenizerLoader.Load(PathOf("llama2-spm"));
        Assert.Equal(1, spm.BosTokenId);
        Assert.Equal(2, spm.EosTokenId);
        // HF's chain: ["<s>", "▁Hello"] -> Replace ▁ -> ["<s>", " Hello"] -> Fuse -> "<s> Hello"; Strip(start 1) sees '<', keeps it.
        Assert.Equal("<s> Hello", spm.Decode(spm.Encode("Hello"), skipSpecialTokens: false));
        Assert.Equal("Hello", spm.Decode(spm.Encode("Hello"), skipSpecialTokens: true));

        var gpt2 = TokenizerLoader.Load(PathOf("gpt2-bytelevel"));
        Assert.Null(gpt2.BosTokenId);
        Assert.Equal(gpt2.Encode("Hello", addSpecialTokens: false), gpt2.Encode("Hello"));
    }

    [Fact]
    public void ByteFallbackSpellsUnknownCharactersAsUtf8Bytes()
    {
        var spm = TokenizerLoader.Load(PathOf("llama2-spm"));
        // '🦊' is U+1F98A = F0 9F A6 8A in UTF-8; none of it is in the vocabulary as a character.
        var ids = spm.Encode("🦊", addSpecialTokens: false);
        var tokens = ids.Select(i => spm.IdToToken(i)).ToArray();
        Assert.Equal(["▁", "<0xF0>", "<0x9F>", "<0xA6>", "<0x8A>"], tokens);
        Assert.Equal("🦊", spm.Decode(ids));
    }

    [Fact]
    public void UnsupportedComponentIsNamed()
    {
        var path = Path.Combine(Fixtures.TempDir(), "tokenizer.json");
        File.WriteAllText(path, """{"model":{"type":"Unigram","vocab":[]}}""");
        var e = Assert.Throws<TokenizerFormatException>(() => TokenizerLoader.Load(path));
        Assert.Equal($"{path}: tokenizer model type 'Unigram' is not supported (Shear reads BPE)", e.Message);
    }
}
