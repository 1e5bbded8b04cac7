using System.Text.Json;
using Shear.Numerics.Evaluation.Translation;

namespace Shear.Numerics.Tests.Evaluation.Translation;

/// <summary>Against NLTK 3.8 + WordNet 3.0 (tests/reference/make_meteor_fixture.py).</summary>
public sealed class MeteorTests
{
    private static readonly Lazy<JsonElement> Fixture = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures.Root, "translation", "meteor.json"))).RootElement);

    private static readonly Lazy<WordNetLexicon> Lexicon = new(() => WordNetLexicon.Load());

    private static WordNetLexicon RequireWordNet()
    {
        if (!WordNetLexicon.IsAvailable())
        {
            Assert.Skip("WordNet missing: apt-get install wordnet-base (.ci/run installs it)");
        }

        return Lexicon.Value;
    }

    private static List<string> Words(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    [Fact]
    public void PorterStemsEqualNltks()
    {
        var stems = Fixture.Value.GetProperty("stems").EnumerateObject().ToList();
        Assert.True(stems.Count > 120);
        foreach (var p in stems)
        {
            Assert.Equal((p.Name, p.Value.GetString()), (p.Name, PorterStemmer.Stem(p.Name)));
        }
    }

    [Theory]
    [InlineData("caresses", "caress")]
    [InlineData("ponies", "poni")]
    [InlineData("hopping", "hop")]
    [InlineData("filing", "file")]
    [InlineData("relational", "relat")]
    [InlineData("dying", "die")]
    [InlineData("ties", "tie")]
    public void PorterHandCases(string word, string stem) => Assert.Equal(stem, PorterStemmer.Stem(word));

    [Fact]
    public void SynonymSetsEqualNltks()
    {
        var wn = RequireWordNet();
        foreach (var p in Fixture.Value.GetProperty("synonyms").EnumerateObject())
        {
            var expected = Words(p.Value);
            Assert.Equal((p.Name, string.Join(" ", expected)), (p.Name, string.Join(" ", wn.Synonyms(p.Name).Order(StringComparer.Ordinal))));
        }
    }

    [Fact]
    public void MorphyUsesExceptionsThenRules()
    {
        var wn = RequireWordNet();
        Assert.Equal(["goose"], wn.Morphy("geese", 'n'));      // noun.exc
        Assert.Equal(["run"], wn.Morphy("ran", 'v'));          // verb.exc
        Assert.Equal(["dog"], wn.Morphy("dogs", 'n'));         // s -> ""
        Assert.Equal(["box"], wn.Morphy("boxes", 'n'));        // xes -> x
        Assert.Empty(wn.Morphy("xyzzyq", 'n'));
    }

    [Fact]
    public void ScoresEqualNltksOnEveryPairInBothArgumentOrders()
    {
        var meteor = new Meteor(RequireWordNet());
        var pairs = Fixture.Value.GetProperty("pairs").EnumerateArray().ToList();
        Assert.True(pairs.Count >= 30);
        foreach (var p in pairs)
        {
            var refs = p.GetProperty("references").EnumerateArray().Select(r => (IReadOnlyList<string>)Words(r)).ToList();
            var hyp = Words(p.GetProperty("hypothesis"));
            Assert.Equal(p.GetProperty("meteor").GetDouble(), meteor.Score(refs, hyp), 1e-4);
            Assert.Equal(p.GetProperty("swapped").GetDouble(), refs.Max(r => meteor.Single(hyp, r)), 1e-4);
        }
    }

    [Fact]
    public void HandComputedScore()
    {
        // ref "the cat sat on the mat", hyp "the cat was sitting on the mat": exact the,cat,on,the,mat (5) + stem sat? no:
        // "sat" vs "sitting" (stem "sit") do not match; m = 5, P = 5/7, R = 5/6, chunks: (0,0)(1,1) | (4,3)(5,4)(6,5) = 2.
        double p = 5.0 / 7, r = 5.0 / 6, f = p * r / ((0.9 * p) + (0.1 * r)), expected = (1 - (0.5 * Math.Pow(2.0 / 5, 3))) * f;
        var score = new Meteor(null).Single("the cat sat on the mat".Split(' '), "the cat was sitting on the mat".Split(' '));
        Assert.Equal(expected, score, 12);
        Assert.Equal(0.7934426229508196, score, 12); // NLTK's value (shared/reference/WORDNET.md)
    }

    [Fact]
    public void StemOnlyMatchNeedsNoWordNet()
    {
        // "runners" ~ "runner" only through the stemmer.
        var meteor = new Meteor(null);
        Assert.Equal(0, meteor.Single(["runners"], ["cars"]));
        Assert.Equal(0.5, meteor.Single(["runners"], ["runner"]), 12); // m=1, P=R=1, chunks/m=1: (1-0.5)*1
    }

    [Fact]
    public void NoMatchOrEmptyInputScoresZero()
    {
        var meteor = new Meteor(null);
        Assert.Equal(0, meteor.Single(["a"], []));
        Assert.Equal(0, meteor.Single([], ["a"]));
        Assert.Equal(0, meteor.Score([], ["a"]));
    }

    [Fact]
    public void WordTokensEqualNltks()
    {
        foreach (var t in Fixture.Value.GetProperty("tokens").EnumerateArray())
        {
            var text = t.GetProperty("text").GetString()!;
            Assert.Equal((text, string.Join(" | ", Words(t.GetProperty("tokens")))), (text, string.Join(" | ", WordTokenizer.Tokenize(text))));
        }
    }
}
