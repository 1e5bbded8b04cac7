using System.Globalization;
using Shear.Numerics.Evaluation;
using Shear.Numerics.Data.Builtin;
using Shear.Numerics.Experiment;
using Shear.Numerics.Models;
using Shear.Numerics.Pruning;
using Shear.Numerics.Tokenization;
using Shear.Numerics.Training;

namespace Shear.Bench;

/// <summary>
/// The domain question at tiny scale: prune the built-in tiny model with Wanda at 50% using each built-in set as
/// calibration, and measure held-out perplexity on every domain (rows: calibration; columns: evaluation domain).
/// </summary>
internal static class DomainBench
{
    public static int Run(string model, string data)
    {
        var tokenizer = TokenizerLoader.Load(model);
        var heldOut = LocalEvalJob.HeldOutTokens(tokenizer, data, 32);
        var domains = heldOut.Keys.ToList();
        Console.WriteLine($"model {model}; held-out tokens per domain: {string.Join(", ", heldOut.Select(p => $"{p.Key} {p.Value.Count}"))}; perplexity as Wanda's eval_ppl, seqlen {SeqLen}");
        Console.WriteLine($"| calibration | {string.Join(" | ", domains)} |");
        Console.WriteLine($"|---|{string.Concat(domains.Select(_ => "---|"))}");
        Console.WriteLine($"| uniform over the vocabulary | {string.Join(" | ", domains.Select(_ => tokenizer.VocabSize.ToString(CultureInfo.InvariantCulture)))} |");
        var config = ModelConfigLoader.Load(model);
        TorchSharp.torch.manual_seed(0);
        using (var init = new CausalLM(config))
        {
            TinyTrainer.Initialize(init, config.NumHiddenLayers);
            Row("same architecture at initialisation", init, heldOut, domains);
        }

        using (var dense = CausalLM.Load(model))
        {
            Row("dense (trained, no pruning)", dense, heldOut, domains);
        }

        var rows = BuiltinDatasets.Domains.Keys.Select(n => (Name: n, Method: PruningMethod.Wanda)).Append(("none (magnitude)", PruningMethod.Magnitude));
        foreach (var (name, method) in rows)
        {
            var output = Path.Combine(Path.GetTempPath(), "shear-domain-bench", name.Replace(' ', '_'));
            var request = new PruneRequest(model, new PruneSpec(method, SparsityPattern.Unstructured(0.5)), method == PruningMethod.Magnitude ? null : CalibrationSet.Parse(name),
                null, 128, 256, 0, output, Overwrite: true) { DataDirectory = Path.GetDirectoryName(Path.GetFullPath(data))! };
            LocalPruneJob.Run(request);
            using var pruned = CausalLM.Load(output);
            Row(method == PruningMethod.Magnitude ? name : $"wanda, {name}", pruned, heldOut, domains);
        }

        return 0;
    }

    private const int SeqLen = LocalEvalJob.PerplexitySeqLen;

    private static void Row(string label, CausalLM model, Dictionary<string, IReadOnlyList<int>> heldOut, List<string> domains) =>
        Console.WriteLine($"| {label} | {string.Join(" | ", domains.Select(d => Perplexity.Evaluate(model, heldOut[d], SeqLen).ToString("F2", CultureInfo.InvariantCulture)))} |");
}
