using System.Diagnostics;
using System.Globalization;
using Shear.Numerics.Evaluation.Choice;
using Shear.Numerics.Evaluation.Code;
using Shear.Numerics.Generation;
using Shear.Numerics.Models;
using Shear.Numerics.Tokenization;
using static TorchSharp.torch;

namespace Shear.Bench;

/// <summary>
/// The evaluation harness's rates on a model folder: generation with the KV cache at batch 1 and 8 against the
/// no-cache floor (a full forward of the whole sequence for every new token), multiple-choice items/s, and programs/s
/// through the sandbox.
/// </summary>
internal static class EvalBench
{
    private const int PromptTokens = 128, NewTokens = 128;

    public static int Run(string model, string data)
    {
        var tokenizer = TokenizerLoader.Load(model);
        using var lm = CausalLM.Load(model, new ModelOptions(ScalarType.Float32));
        Console.WriteLine($"model {model} ({lm.Config.NumHiddenLayers} layers, hidden {lm.Config.HiddenSize}), threads {get_num_threads()}, prompt {PromptTokens} + {NewTokens} new tokens, greedy");
        Console.WriteLine("| what | batch | new tokens/s |");
        Console.WriteLine("|---|---|---|");
        var generator = new TextGenerator(lm, tokenizer);
        foreach (int batch in new[] { 1, 8 })
        {
            var prompts = Enumerable.Range(0, batch).Select(b => Enumerable.Range(0, PromptTokens).Select(i => ((i * 31) + (b * 7) + 5) % lm.Config.VocabSize).ToArray()).ToList();
            var options = new GenerationOptions { MaxNewTokens = NewTokens, EosTokenIds = [-1] };
            double cached = Timing.MedianSeconds(() => generator.GenerateIds(prompts, options), repeats: 3);
            double full = Timing.MedianSeconds(() => NoCache(lm, prompts), repeats: 1);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| KV cache | {batch} | {batch * NewTokens / cached:F0} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| full forward per token (floor) | {batch} | {batch * NewTokens / full:F0} |"));
        }

        var items = CommonsenseTasks.Load("openbookqa", Path.Combine(data, "builtin_commonsense", "test.jsonl")).Take(200).ToList();
        var scorer = new LogLikelihood(lm, tokenizer);
        double mc = Timing.MedianSeconds(() => MultipleChoice.Evaluate(scorer, items), repeats: 3);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\nmultiple choice (builtin_commonsense, 4 choices): {items.Count / mc:F1} items/s ({items.Count * 4 / mc:F0} requests/s)"));

        var sandbox = new PythonSandbox(TimeSpan.FromSeconds(10));
        var problems = HumanEvalProblem.Load(Path.Combine(data, "builtin_humaneval", "test.jsonl"));
        var programs = problems.Select(p => CodeTask.Of(p).ProgramOf("\n" + p.CanonicalSolution)).ToList();
        var sw = Stopwatch.StartNew();
        int passed = programs.Count(p => sandbox.Run(p).Outcome == SandboxOutcome.Passed);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sandbox ({sandbox.Isolation}): {programs.Count / sw.Elapsed.TotalSeconds:F1} programs/s, one at a time ({passed}/{programs.Count} passed)"));
        return 0;
    }

    /// <summary>Greedy decoding with no cache: the whole sequence goes through the model for every new token.</summary>
    private static void NoCache(CausalLM lm, List<int[]> prompts)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = tensor(prompts.SelectMany(p => p.Select(i => (long)i)).ToArray(), [prompts.Count, PromptTokens]);
        for (int step = 0; step < NewTokens; step++)
        {
            using var inner = NewDisposeScope();
            var next = lm.Forward(ids, lastOnly: true)[.., -1].argmax(-1, keepdim: true);
            ids = cat([ids, next], 1).MoveToOuterDisposeScope();
        }
    }
}
