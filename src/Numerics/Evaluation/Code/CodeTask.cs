using Shear.Numerics.Generation;

namespace Shear.Numerics.Evaluation.Code;

/// <summary>One problem as the harness runs it: the prompt the model continues, and how a continuation becomes a check program.</summary>
/// <param name="TaskId">The problem's id.</param>
/// <param name="Prompt">Text the model continues.</param>
/// <param name="StopStrings">Where generation may stop early.</param>
/// <param name="ProgramOf">The check program of one continuation.</param>
public sealed record CodeItem(string TaskId, string Prompt, IReadOnlyList<string> StopStrings, Func<string, string> ProgramOf);

/// <summary>
/// The thesis's code evaluation (DeepSeek-Coder's harness with its edits): n samples per problem at temperature 0.8 and
/// top-p 0.95, each post-processed into a program, run in the sandbox, and the unbiased pass@k over the problems.
/// </summary>
public static class CodeTask
{
    /// <summary>The thesis's forced sampling temperature.</summary>
    public const double Temperature = 0.8;

    /// <summary>The thesis's nucleus.</summary>
    public const double TopP = 0.95;

    /// <summary>HumanEval as eval_pal.py: the stripped prompt, the continuation cut at DeepSeek's stops, program = prompt + "\n" + cut + test.</summary>
    public static CodeItem Of(HumanEvalProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return new CodeItem(problem.TaskId, problem.Prompt.Trim(), ["\ndef", "\nclass", "\nif", "\n#", "\nprint"],
            generated => problem.Program("\n" + HumanEvalProblem.Truncate(generated)));
    }

    /// <summary>MBPP as the thesis: the zero-shot chat prompt of the family, its stop strings, the extraction rules on prompt + continuation.</summary>
    public static CodeItem Of(MbppProblem problem, string family)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var prompt = problem.ChatPrompt(family);
        IReadOnlyList<string> stops = family == "gemma" ? ["<end_of_turn>"] : ["[/INST]", "[END]", "[/PYTHON]", "[/SOL]", "[DONE]"];
        return new CodeItem($"MBPP/{problem.TaskId}", prompt, stops, generated => problem.Program(MbppProblem.Extract(prompt + generated)));
    }

    /// <summary>
    /// Generates <paramref name="samples"/> continuations per item (sample j of item i seeded with seed + i·n + j), runs
    /// each program in the sandbox; <paramref name="progress"/> gets (items done, items). At most
    /// <paramref name="rowsPerCall"/> samples are generated at once (the same samples whatever it is).
    /// </summary>
    public static List<ProblemResult> Run(TextGenerator generator, PythonSandbox sandbox, IReadOnlyList<CodeItem> items, int samples, int maxNewTokens, long seed,
        Action<int, int>? progress = null, int rowsPerCall = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(sandbox);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        var results = new List<ProblemResult>();
        for (int i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var options = new GenerationOptions
            {
                Temperature = Temperature, TopP = TopP, MaxNewTokens = maxNewTokens, Seed = seed + ((long)i * samples), StopStrings = item.StopStrings,
            };
            var outputs = generator.GenerateRepeated(item.Prompt, samples, options, rowsPerCall);
            results.Add(new ProblemResult(item.TaskId, outputs.Select(o => sandbox.Run(item.ProgramOf(o.Text))).ToList()));
            progress?.Invoke(i + 1, items.Count);
        }

        return results;
    }
}
