using System.Text.Json;
using Shear.Numerics.Data.Builtin;

namespace Shear.Numerics.Tests.Data;

public sealed class WordNetCorpusTests
{
    // Three lines in WordNet 3.0's data.noun layout (offset lex_filenum ss_type w_cnt words p_cnt pointers | gloss).
    private const string DataNoun = """
          1 This software and database is being provided to you, the LICENSEE, by
        00001740 03 n 01 entity 0 003 ~ 00001930 n 0000 ~ 00002137 n 0000 ~ 04424418 n 0000 | that which is perceived or known or inferred to have its own distinct existence (living or nonliving)
        00002137 03 n 02 abstraction 0 abstract_entity 0 010 @ 00001740 n 0000 + 00692347 v 0101 ~ 00023100 n 0000 ~ 00024264 n 0000 ~ 00031264 n 0000 ~ 00031921 n 0000 ~ 00033020 n 0000 ~ 00033615 n 0000 ~ 05810143 n 0000 ~ 07999699 n 0000 | a general concept formed by extracting common features from specific examples
        02958343 06 n 05 car 0 auto 0 automobile 0 machine 0 motorcar 0 002 @ 00001740 n 0000 #p 00002137 n 0000 | a motor vehicle with four wheels; "he needs a car to get to work"
        02924116 06 n 01 bus 0 001 @ 00001740 n 0000 | a vehicle carrying many passengers
        03791235 06 n 01 van 0 001 @ 00001740 n 0000 | a truck with an enclosed cargo space
        """;

    private static IReadOnlyDictionary<long, Synset> Nouns()
    {
        var dir = Fixtures.TempDir();
        File.WriteAllText(Path.Combine(dir, "data.noun"), DataNoun);
        return WordNetReader.Nouns(dir);
    }

    [Fact]
    public void ParsesWordsPointersAndGlossesWithoutExamples()
    {
        var nouns = Nouns();
        Assert.Equal(5, nouns.Count);
        var car = nouns[2958343];
        Assert.Equal(["car", "auto", "automobile", "machine", "motorcar"], car.Words);
        Assert.Equal([1740L], car.Hypernyms);
        Assert.Equal([2137L], car.PartOf);
        Assert.Equal("a motor vehicle with four wheels", car.Gloss);
        Assert.Equal(["abstraction", "abstract entity"], nouns[2137].Words);
    }

    [Fact]
    public void TooFewNounsForThreeDistractorsGiveNoQuestionsInsteadOfHanging()
    {
        var few = Nouns().Values.Take(3).ToDictionary(s => s.Offset);
        Assert.Empty(CommonsenseCorpus.Questions(few, 2, 0));
    }

    [Fact]
    public void EveryQuestionsAnswerKeyPointsAtAWordOfItsSynset()
    {
        var nouns = Nouns();
        var questions = CommonsenseCorpus.Questions(nouns, 2, 0);
        Assert.Equal(2, questions.Count);
        foreach (var q in questions)
        {
            using var doc = JsonDocument.Parse(JsonSerializer.Serialize(q));
            var r = doc.RootElement;
            var labels = r.GetProperty("choices").GetProperty("label").EnumerateArray().Select(x => x.GetString()).ToList();
            var texts = r.GetProperty("choices").GetProperty("text").EnumerateArray().Select(x => x.GetString()!).ToList();
            Assert.Equal(["A", "B", "C", "D"], labels);
            Assert.Equal(4, texts.Distinct().Count());
            var answer = texts[labels.IndexOf(r.GetProperty("answerKey").GetString())];
            long offset = long.Parse(r.GetProperty("id").GetString()!.Split('-')[1]);
            Assert.Contains(answer, nouns[offset].Words);
        }
    }
}
