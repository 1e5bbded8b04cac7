using Shear.Numerics.Tokenization;
using HfTokenizer = Tokenizers.DotNet.Tokenizer;

namespace Shear.Numerics.Tests.Tokenization;

public sealed class BpeTrainerTests
{
    [Fact]
    public void LearnsTheMostFrequentPairsInOrder()
    {
        // Pre-tokens: "ab", "Ġab", "Ġab", "Ġcd". Pairs: (a,b) x3, (Ġ,a) x2, (Ġ,c), (c,d) -> merge a+b.
        // Then (Ġ,ab) x2 -> merge; every other pair occurs once, so training stops.
        var merges = BpeTrainer.LearnMerges(["ab ab ab cd"], 4096);
        Assert.Equal([("a", "b"), ("Ġ", "ab")], merges);
    }

    [Fact]
    public void SavedTokenizerLoadsInShearAndInHuggingFaceTokenizersAlike()
    {
        string[] corpus = ["The quick brown fox jumps over the lazy dog.", "def add(a, b):\n    return a + b", "Où est la gare ? C'est là-bas."];
        var dir = Fixtures.TempDir();
        BpeTrainer.Save(dir, BpeTrainer.LearnMerges(Enumerable.Repeat(corpus, 5).SelectMany(x => x), 400));
        var mine = TokenizerLoader.Load(dir);
        using var reference = new HfTokenizer(Path.Combine(dir, "tokenizer.json"));
        foreach (var text in corpus.Append("unseen words: zebra 42 ünïcödé"))
        {
            Assert.Equal(reference.Encode(text).Select(x => (int)x).ToArray(), mine.Encode(text));
            Assert.Equal(text, mine.Decode(mine.Encode(text)));
        }

        Assert.Equal(mine.TokenToId("<|begin_of_text|>"), mine.BosTokenId);
        Assert.Equal(mine.TokenToId("<|end_of_text|>"), mine.EosTokenId);
        Assert.Equal(mine.TokenToId("<|pad|>"), mine.PadTokenId);
    }
}
