using System.Globalization;
using Shear.Numerics.Data;
using Shear.Numerics.Data.Builtin;
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
        var options = new TinyTrainingOptions { EvalWindows = 32, SeqLen = 256 };
        var heldOut = new TinyTrainer(options, data).HeldOut(tokenizer);
        var domains = heldOut.Keys.ToList();
        Console.WriteLine($"model {model}; held-out windows per domain: {string.Join(", ", heldOut.Select(p => $"{p.Key} {p.Value.Count}x{options.SeqLen + 1}"))}");
        Console.WriteLine($"| calibration | {string.Join(" | ", domains)} |");
        Console.WriteLine($"|---|{string.Concat(domains.Select(_ => "---|"))}");
        using (var dense = CausalLM.Load(model))
        {
            Row("dense (no pruning)", dense, heldOut, domains);
        }

        var rows = BuiltinDatasets.Domains.Keys.Select(n => (Name: n, Method: PruningMethod.Wanda)).Append(("none (magnitude)", PruningMethod.Magnitude));
        foreach (var (name, method) in rows)
        {
            var output = Path.Combine(Path.GetTempPath(), "shear-domain-bench", name.Replace(' ', '_'));
            var request = new PruneRequest(model, new PruneSpec(method, SparsityPattern.Unstructured(0.5)), method == PruningMethod.Magnitude ? null : name,
                null, 128, 256, 0, output, Overwrite: true) { DataDirectory = Path.GetDirectoryName(Path.GetFullPath(data))! };
            LocalPruneJob.Run(request);
            using var pruned = CausalLM.Load(output);
            Row(method == PruningMethod.Magnitude ? name : $"wanda, {name}", pruned, heldOut, domains);
        }

        return 0;
    }

    private static void Row(string label, CausalLM model, Dictionary<string, List<long[]>> heldOut, List<string> domains) =>
        Console.WriteLine($"| {label} | {string.Join(" | ", domains.Select(d => Math.Exp(TinyTrainer.Loss(model, heldOut[d])).ToString("F2", CultureInfo.InvariantCulture)))} |");
}
