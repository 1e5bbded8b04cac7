using Shear.Numerics.Data;
using Shear.Numerics.Evaluation.Choice;

namespace Shear.Numerics.Tests.Evaluation;

public sealed class CommonsenseTasksTests
{
    private static string Csr(string name) => Path.Combine(Fixtures.Root, "csr", name);

    [Fact]
    public void ArcAsksQuestionAnswerAndMapsNumericKeys()
    {
        var items = CommonsenseTasks.Load("arc_easy", Csr("arc.jsonl"));
        Assert.Equal(("Question: Which tool is used to measure length?\nAnswer:", " ruler"), items[1].Requests[0]);
        Assert.Equal(0, items[1].Gold);   // answerKey "1" -> A -> index 0
        Assert.Equal(2, items[0].Gold);   // "C"
        Assert.Equal([5, 5, 11], items[1].NormLengths!); // acc_norm divides by the choice's characters, without the space
    }

    [Fact]
    public void OpenBookQaUsesTheBareStem()
    {
        var item = Assert.Single(CommonsenseTasks.Load("openbookqa", Path.Combine(Fixtures.Root, "datasets", "openbookqa", "train.jsonl")));
        Assert.Equal(("The sun is responsible for", " plants sprouting, blooming and wilting"), item.Requests[1]);
        Assert.Equal(1, item.Gold);
    }

    [Fact]
    public void HellaSwagIsPreprocessed()
    {
        var item = Assert.Single(CommonsenseTasks.Load("hellaswag", Csr("hellaswag.jsonl")));
        // activity_label + ": " + ctx_a + " " + "HE starts".capitalize() -> "He starts"; "[header] Step 1" dropped by preprocess.
        Assert.Equal(("Roof shingle removal: A man is sitting on a roof. He starts", " is using wrap to wrap a pair of skis. Step 1"), item.Requests[1]);
        Assert.Equal(3, item.Gold);
    }

    [Fact]
    public void BoolQComparesYesWithNo()
    {
        var items = CommonsenseTasks.Load("boolq", Csr("boolq.jsonl"));
        Assert.Equal(("Persian language -- Persian is spoken in Iran and Afghanistan.\nQuestion: do iran and afghanistan speak the same language?\nAnswer:", " yes"), items[0].Requests[0]);
        Assert.Equal(" no", items[0].Requests[1].Continuation);
        Assert.Equal([0, 1], items.Select(i => i.Gold));
        Assert.Null(items[0].NormLengths);
    }

    [Fact]
    public void WinograndeScoresTheSameContinuationAfterEachOption()
    {
        var item = Assert.Single(CommonsenseTasks.Load("winogrande", Csr("winogrande.jsonl")));
        Assert.Equal(("Sarah was a much better surgeon than Maria so Sarah", " always got the harder cases."), item.Requests[0]);
        Assert.Equal(("Sarah was a much better surgeon than Maria so Maria", " always got the harder cases."), item.Requests[1]);
        Assert.Equal(0, item.Gold);
    }

    [Fact]
    public void UnknownTaskAndMissingFieldsAreNamed()
    {
        var e = Assert.Throws<DataFormatException>(() => CommonsenseTasks.Load("piqa", Csr("arc.jsonl")));
        Assert.Equal("piqa: unknown task (known: arc_easy, arc_challenge, openbookqa, hellaswag, boolq, winogrande)", e.Message);
        e = Assert.Throws<DataFormatException>(() => CommonsenseTasks.Load("winogrande", Csr("arc.jsonl")));
        Assert.Equal($"{Csr("arc.jsonl")}: line 1: winogrande: missing field 'sentence'", e.Message);
    }
}
