using System.Diagnostics;
using System.Globalization;
using Shear.Numerics.Checkpoints;
using Shear.Numerics.Experiment;
using Shear.Numerics.Models;
using Shear.Numerics.Pruning;
using Shear.Numerics.Runtime;
using static TorchSharp.torch;

namespace Shear.Bench;

/// <summary>
/// The .NET half of bench/gpu/gpu-check.sh (its Python half compares). <c>gpu-layer</c>: Shear's layer step
/// (observe, masks, apply, forward: what the prune loop runs per layer) on layer 0 of a checkpoint over random token
/// ids, timed, with the masks and every Linear's scaler_row written for bench/gpu/wanda_layer_reference.py.
/// <c>logits</c>: a model's logits for the id sequences of a file, for bench/gpu/compare_logits.py.
/// </summary>
internal static class GpuCheckBench
{
    /// <summary>
    /// <c>gpu-layer MODEL OUTDIR DEVICE DTYPE NSAMPLES SEQLEN PATTERNS REPEATS</c>: writes OUTDIR/samples.safetensors
    /// (ids, I64 [NSAMPLES, SEQLEN], drawn with torch's CPU generator seeded 0 below the vocabulary) and per pattern
    /// OUTDIR/shear_{unstructured|nm24}_{dtype}.safetensors (mask.NAME, scaler_row.NAME), and prints one timing line
    /// per step.
    /// </summary>
    public static int Layer(string[] args)
    {
        if (args.Length < 9)
        {
            Console.Error.WriteLine("usage: gpu-layer MODEL OUTDIR DEVICE DTYPE NSAMPLES SEQLEN PATTERNS(unstructured,2:4) REPEATS");
            return 2;
        }

        string model = args[1], outDir = args[2];
        var deviceName = Devices.Resolve(args[3]);
        var dtype = ComputeDTypes.Parse(args[4]);
        int nsamples = Int(args[5]), seqlen = Int(args[6]), repeats = Int(args[8]);
        var options = Devices.On(deviceName, dtype);
        Directory.CreateDirectory(outDir);
        using var source = ModelSource.Open(model);
        var config = source.Config;

        manual_seed(0);
        using var ids = randint(config.VocabSize, [nsamples, seqlen], dtype: ScalarType.Int64, device: CPU);
        var samples = Enumerable.Range(0, nsamples).Select(i => ids[i].data<long>().Select(v => (int)v).ToArray()).ToList();
        SafetensorsWriter.Write(Path.Combine(outDir, "samples.safetensors"), [new("ids", ids)], new Dictionary<string, string> { ["made_by"] = "bench/Bench gpu-layer" });

        using var rotary = new RotaryEmbedding(config);
        using var stored = source.ReadEmbedding();
        using var embedding = stored.to(options.Device).to_type(options.DType);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"shear layer step: {model}, hidden {config.HiddenSize}, intermediate {config.IntermediateSize}, heads {config.NumAttentionHeads}; {nsamples} x {seqlen} tokens; {deviceName} {ComputeDTypes.Name(dtype)}"));
        foreach (var patternText in args[7].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pattern = SparsityPattern.Parse(patternText, 0.5);
            var spec = new PruneSpec(PruningMethod.Wanda, pattern);
            var tag = $"{(pattern.IsNofM ? $"nm{pattern.N}{pattern.M}" : "unstructured")}_{ComputeDTypes.Name(dtype)}";
            for (int run = 1; run <= repeats; run++)
            {
                using var scope = NewDisposeScope();
                var plan = ActivationSet.Plan(samples.Select(s => s.Length).ToList(), spec.TokenBudget);
                using var set = ActivationSet.Embed(config, rotary, embedding, samples, plan, Enumerable.Range(0, plan.Count), options.Device);
                using var layer = source.LoadLayer(0, options);
                Sync(deviceName);
                var clock = Stopwatch.StartNew();
                using var statistics = LayerPruner.Observe(layer, set, spec);
                Sync(deviceName);
                double observe = clock.Elapsed.TotalSeconds;
                using var masks = LayerPruner.ComputeMasks(layer, statistics, spec);
                Sync(deviceName);
                double maskSeconds = clock.Elapsed.TotalSeconds - observe;
                LayerPruner.Apply(layer, masks);
                LayerPruner.Forward(layer, set);
                Sync(deviceName);
                double total = clock.Elapsed.TotalSeconds;
                var (zeros, count, _) = LayerPruner.CountZeros(layer);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"shear {tag} run {run}: step {total:F3} s (observe {observe:F3}, masks {maskSeconds:F3}, apply+forward {total - observe - maskSeconds:F3}); sparsity {(double)zeros / count:F4}; batches {plan.Count}"));
                if (run == repeats)
                {
                    var tensors = new List<KeyValuePair<string, Tensor>>();
                    foreach (var (name, mask) in masks.Masks.OrderBy(m => m.Key, StringComparer.Ordinal))
                    {
                        tensors.Add(new($"mask.{name}", mask));
                        tensors.Add(new($"scaler_row.{name}", statistics.Linears[name].ScalerRow()));
                    }

                    SafetensorsWriter.Write(Path.Combine(outDir, $"shear_{tag}.safetensors"), tensors, new Dictionary<string, string>
                    {
                        ["step_seconds"] = total.ToString("R", CultureInfo.InvariantCulture),
                        ["device"] = deviceName,
                        ["dtype"] = ComputeDTypes.Name(dtype),
                    });
                }
            }
        }

        return 0;
    }

    /// <summary>
    /// <c>logits DEVICE DTYPE MODEL IDS OUT [MODEL IDS OUT ...]</c>: for each model, the logits (fp32) of every
    /// sequence <c>ids.N</c> in IDS (e.g. a fixture's expected_logits.safetensors), written to OUT as ids.N and logits.N.
    /// </summary>
    public static int Logits(string[] args)
    {
        if (args.Length < 6 || (args.Length - 3) % 3 != 0)
        {
            Console.Error.WriteLine("usage: logits DEVICE DTYPE MODEL IDS OUT [MODEL IDS OUT ...]");
            return 2;
        }

        var deviceName = Devices.Resolve(args[1]);
        var options = Devices.On(deviceName, ComputeDTypes.Parse(args[2]));
        for (int i = 3; i < args.Length; i += 3)
        {
            using var scope = NewDisposeScope();
            using var model = CausalLM.Load(args[i], options);
            using var file = SafetensorsFile.Open(args[i + 1]);
            var tensors = new List<KeyValuePair<string, Tensor>>();
            for (int n = 0; file.Contains($"ids.{n}"); n++)
            {
                var ids = file.Read($"ids.{n}").to_type(ScalarType.Int64);
                using var noGrad = no_grad();
                var logits = model.Forward(ids.unsqueeze(0).to(options.Device))[0].to_type(ScalarType.Float32);
                tensors.Add(new($"ids.{n}", ids));
                tensors.Add(new($"logits.{n}", logits));
            }

            SafetensorsWriter.Write(args[i + 2], tensors, new Dictionary<string, string> { ["model"] = args[i], ["device"] = deviceName });
            Console.WriteLine($"logits {args[i]} -> {args[i + 2]} ({tensors.Count / 2} sequences, {deviceName})");
        }

        return 0;
    }

    private static void Sync(string deviceName)
    {
        if (Devices.IsCuda(deviceName))
        {
            TorchSharp.torch.cuda.synchronize();
        }
    }

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);
}
