using Shear.Numerics.Evaluation.Code;

namespace Shear.Numerics.Tests.Evaluation;

public sealed class MbppProblemTests
{
    private static List<MbppProblem> Problems() => MbppProblem.Load(Path.Combine(Fixtures.Root, "code", "mbpp.jsonl"));

    [Fact]
    public void ChatPromptsFollowTheThesisPerFamily()
    {
        var p = Problems()[2];
        Assert.True(p.IsTest);
        const string user = "This is your task: Write a python function to identify non-prime numbers.\nYour code should pass these tests:\n\n" +
            "assert is_not_prime(2) == False\nassert is_not_prime(10) == True\nassert is_not_prime(35) == True";
        Assert.Equal($"[INST]\n{MbppProblem.System}\n{user}\n[/INST]\n", p.ChatPrompt("mistral"));
        Assert.Equal($"{MbppProblem.System}\n{user}", p.ChatPrompt("llama3"));
        Assert.Equal($"<start_of_turn>user\n{MbppProblem.System}\n{user}\n<end_of_turn>\n<start_of_turn>model\n", p.ChatPrompt("gemma"));
    }

    [Fact]
    public void FewShotPromptCleansExampleCodeAndEndsAtBegin()
    {
        var all = Problems();
        var prompt = all[2].FewShotPrompt([all[1]]);
        Assert.StartsWith("You are an expert Python programmer, and here is your task: Write a function to find the similar elements", prompt, StringComparison.Ordinal);
        Assert.Contains("[BEGIN]\ndef similar_elements(test_tup1, test_tup2):\n  res = tuple(set(test_tup1) & set(test_tup2))\n  return (res) \n[DONE]\n", prompt, StringComparison.Ordinal);
        Assert.EndsWith("assert is_not_prime(35) == True\n[BEGIN]", prompt, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Sure:\n```python\ndef f():\n    return 1\n```\nmore", "def f():\n    return 1")]
    [InlineData("[PYTHON]\ndef f():\n    return 2\n[/PYTHON]", "def f():\n    return 2")]
    [InlineData("x [SOL]\ndef f():\n    return 3\n[/SOL]", "def f():\n    return 3")]
    [InlineData("```\ndef f():\n    return 4\n```", "def f():\n    return 4")]
    [InlineData("\ndef f():\n    return 5\n[DONE]\n[BEGIN] ignored", "\ndef f():\n    return 5\n[DONE]\n[BEGIN] ignored")]
    [InlineData("[BEGIN]\ndef f():\n    return 6\n[DONE]", "def f():\n    return 6")]
    [InlineData("[INST] task [/INST]\ndef f():\n    return 7", "def f():\n    return 7")]
    public void ExtractionTakesTheFirstMatchingRule(string text, string expected)
    {
        Assert.Equal(expected, MbppProblem.Extract(text));
    }

    [Fact]
    public void ReferenceCodePassesItsTestsAndAWrongOneFails()
    {
        var p = Problems()[2];
        var sandbox = Fixtures.Sandbox(TimeSpan.FromSeconds(10));
        Assert.SkipUnless(Fixtures.SandboxHasNumpy, "DeepSeek's import header needs numpy: apt-get install python3-numpy");
        Assert.Equal(SandboxOutcome.Passed, sandbox.Run(p.Program(p.Code.Replace("\r", "", StringComparison.Ordinal))).Outcome);
        Assert.Equal(SandboxOutcome.Failed, sandbox.Run(p.Program("def is_not_prime(n):\n    return False")).Outcome);
    }
}
