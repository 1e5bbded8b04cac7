using Shear.Numerics.Evaluation.Code;

namespace Shear.Numerics.Tests.Evaluation;

public sealed class CodeTaskTests
{
    private static PythonSandbox Sandbox => Fixtures.Sandbox(TimeSpan.FromSeconds(10));

    private static List<HumanEvalProblem> Builtin() =>
        HumanEvalProblem.Load(Path.Combine(ArchitectureTests.RepoRoot(), "data", "builtin", "builtin_humaneval", "test.jsonl"));

    [Fact]
    public void BuiltinProblemsCanonicalSolutionsPassAndWrongOnesFail()
    {
        var problems = Builtin();
        Assert.Equal(20, problems.Count);
        foreach (var p in problems)
        {
            var item = CodeTask.Of(p);
            Assert.Equal(p.Prompt.Trim(), item.Prompt);
            // The model continues the stripped prompt; its continuation starts with the newline the strip removed.
            Assert.Equal((p.TaskId, SandboxOutcome.Passed), (p.TaskId, Sandbox.Run(item.ProgramOf("\n" + p.CanonicalSolution)).Outcome));
            Assert.Equal((p.TaskId, SandboxOutcome.Failed), (p.TaskId, Sandbox.Run(item.ProgramOf("\n    return None\n")).Outcome));
        }
    }

    [Fact]
    public void ContinuationIsCutAtTheFirstStop()
    {
        var p = Builtin()[0];
        var program = CodeTask.Of(p).ProgramOf("\n    return a + b\nprint('junk')\ndef other():\n    pass\n");
        Assert.Equal(p.Prompt + "\n\n    return a + b\n" + p.Test + "\ncheck(add)\n", program);
    }

    [Fact]
    public void MbppItemExtractsFromPromptAndContinuation()
    {
        var problem = MbppProblem.Load(Path.Combine(Fixtures.Root, "code", "mbpp.jsonl")).First(p => p.IsTest);
        var item = CodeTask.Of(problem, "inst");
        Assert.EndsWith("\n[/INST]\n", item.Prompt, StringComparison.Ordinal);
        Assert.Contains("[DONE]", item.StopStrings);
        var program = item.ProgramOf("```python\n" + problem.Code + "\n```");
        Assert.Equal(SandboxOutcome.Passed, Sandbox.Run(program).Outcome);
    }
}
