using Shear.Numerics.Evaluation;
using Shear.Numerics.Evaluation.Code;

namespace Shear.Numerics.Tests.Evaluation;

public sealed class CodeEvaluatorTests
{
    private static string Fixture(string name) => Path.Combine(Fixtures.Root, "code", name);

    private static CodeEvaluator Evaluator => new(Fixtures.Sandbox(TimeSpan.FromSeconds(5)));

    [Fact]
    public void CanonicalSolutionsPassAndWrongOnesFail()
    {
        var problems = HumanEvalProblem.Load(Fixture("HumanEval.jsonl"));
        Assert.Equal(["HumanEval/0", "HumanEval/1"], problems.Select(p => p.TaskId));
        var completions = problems.ToDictionary(p => p.TaskId, p => (IReadOnlyList<string>)[p.CanonicalSolution, "    return 0\n"]);
        var results = Evaluator.Run(problems, completions);
        Assert.All(results, r => Assert.Equal(SandboxOutcome.Passed, r.Results[0].Outcome));
        Assert.All(results, r => Assert.Equal(SandboxOutcome.Failed, r.Results[1].Outcome));
        // Each problem: 1 of 2 samples passes -> pass@1 = 0.5; pass@10 needs 10 samples, so it is not reported.
        var passAtK = CodeEvaluator.PassAtKs(results);
        Assert.Equal([1], passAtK.Keys);
        Assert.Equal(new Estimate(0.5, 0.0), new Estimate(passAtK[1].Value, passAtK[1].StdErr)); // both problems at 0.5: no spread
        Assert.Equal([0.5, 0.5], passAtK[1].PerItem);
    }

    [Fact]
    public void DeepSeekVariantRunsWithItsImportsAndItsOwnCheckCall()
    {
        Assert.SkipUnless(Fixtures.SandboxHasNumpy, "DeepSeek's import header needs numpy: apt-get install python3-numpy (.ci/run installs it)");
        var problem = Assert.Single(HumanEvalProblem.Load(Fixture("humaneval-python.jsonl")));
        Assert.True(problem.IsDeepSeek);
        Assert.StartsWith("import math\nimport re\n", problem.Program("    return x + y\n"), StringComparison.Ordinal);
        var results = Evaluator.Run([problem], new Dictionary<string, IReadOnlyList<string>> { ["Python/1"] = ["    return x + y\n", "    return x - y\n"] });
        Assert.Equal([SandboxOutcome.Passed, SandboxOutcome.Failed], results[0].Results.Select(r => r.Outcome));
    }

    [Fact]
    public void CompletionsAreCutAtTheFirstStopMarker()
    {
        Assert.Equal("    return x + y\n", HumanEvalProblem.Truncate("    return x + y\n\ndef extra():\n    pass\n"));
        Assert.Equal("    return 1", HumanEvalProblem.Truncate("    return 1\n# tests\nprint(1)"));
        Assert.Equal("    return 2\n", HumanEvalProblem.Truncate("    return 2\n"));
    }
}
