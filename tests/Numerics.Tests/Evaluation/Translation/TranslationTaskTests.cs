using Shear.Numerics.Data;
using Shear.Numerics.Evaluation.Translation;

namespace Shear.Numerics.Tests.Evaluation.Translation;

public sealed class TranslationTaskTests
{
    [Fact]
    public void PromptIsTheThesisOne() =>
        Assert.Equal("[INST]\nWRITE ONLY THE FRENCH SENTENCE IN OUTPUT\nPlease translate the following sentence from english to french: \"Hello.\"\n[/INST]\n",
            TranslationTask.Prompt("Hello."));

    [Fact]
    public void ReadsWmt14AndOpusBooksRows()
    {
        var wmt = TranslationTask.Load([Path.Combine(Fixtures.Root, "datasets", "wmt14", "train.jsonl")]);
        Assert.Equal(new TranslationPair("Resumption of the session", "Reprise de la session"), wmt[0]);
        var opus = Path.Combine(Fixtures.Root, "datasets", "opus_books", "train.jsonl");
        var all = TranslationTask.Load([opus]);
        var second = TranslationTask.Load([opus], secondHalf: true);
        Assert.Equal(all.Skip(all.Count / 2), second);
    }

    [Fact]
    public void RowWithoutTranslationNamesFileAndLine()
    {
        var file = Path.Combine(Fixtures.TempDir(), "bad.jsonl");
        File.WriteAllText(file, "{\"translation\": {\"en\": \"a\", \"fr\": \"b\"}}\n{\"en\": \"a\"}\n");
        var e = Assert.Throws<DataFormatException>(() => TranslationTask.Load([file]));
        Assert.Contains("line 2: missing field 'translation'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BestOfSamplesInBothOrders()
    {
        var meteor = new Meteor(null);
        string gold = "le chat est sur le tapis.";
        string[] samples = ["le chien", "le chat est sur le tapis.", "chat"];
        Assert.Equal(meteor.Single(WordTokenizer.Tokenize(gold), WordTokenizer.Tokenize(samples[1])), TranslationTask.Score(meteor, gold, samples, MeteorOrder.Conventional), 12);
        // Identical sentences: m = 7 = |ref| = |hyp|, one chunk: (1 - 0.5 / 7^3) * 1.
        Assert.Equal(1 - (0.5 / 343), TranslationTask.Score(meteor, gold, samples, MeteorOrder.Conventional), 12);
        Assert.Equal(Math.Round(1 - (0.5 / 343), 4), TranslationTask.Score(meteor, gold, samples, MeteorOrder.Thesis), 12);
        // The orders differ when lengths differ: gold "a b c", sample "a b": conventional P=1, R=2/3; thesis swaps them.
        double p = 1, r = 2.0 / 3, f = p * r / ((0.9 * p) + (0.1 * r)), pen = 1 - (0.5 * Math.Pow(0.5, 3));
        Assert.Equal(pen * f, TranslationTask.Score(meteor, "a b c", ["a b"], MeteorOrder.Conventional), 12);
        double ft = r * p / ((0.9 * r) + (0.1 * p));
        Assert.Equal(Math.Round(pen * ft, 4), TranslationTask.Score(meteor, "a b c", ["a b"], MeteorOrder.Thesis), 12);
    }
}
