using System.Diagnostics;
using System.Globalization;
using Shear.Numerics.Models;
using Shear.Numerics.Pruning;
using static TorchSharp.torch;

namespace Shear.Bench;

/// <summary>
/// Whole Wanda run on a ~470 MB random Llama-shaped model (4 layers, hidden 1024) with 32 x 512 calibration tokens,
/// against the floor of two forward passes of the layers over the same tokens; peak RSS; SparseGPT vs Wanda per layer.
/// </summary>
internal static class PruneBench
{
    private const int Layers = 4, Samples = 32, SeqLen = 512;

    public static int Run()
    {
        var config = ModelConfigLoader.Parse("bench", string.Create(CultureInfo.InvariantCulture,
            $$"""{"model_type":"llama","hidden_size":1024,"intermediate_size":2816,"num_hidden_layers":{{Layers}},"num_attention_heads":16,"vocab_size":32000}"""));
        manual_seed(0);
        var samples = Enumerable.Range(0, Samples).Select(_ => randint(0, 32000, [SeqLen]).data<long>().Select(x => (int)x).ToArray()).ToList();
        double weightsMb;
        double floor;
        using (var model = Build(config))
        {
            weightsMb = model.parameters().Sum(p => p.numel() * 4) / 1e6;
            floor = TwoForwardPasses(model, samples);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"model {weightsMb:F0} MB fp32, {Samples} x {SeqLen} tokens, threads {get_num_threads()}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"floor (2 forward passes of the layers): {floor:F1} s"));
        var wanda = Prune(config, samples, PruningMethod.Wanda, out double wandaSeconds, out double peakMb);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wanda run: {wandaSeconds:F1} s, ratio to floor {wandaSeconds / floor:F2}; peak RSS {peakMb:F0} MB"));
        double activationMb = (double)Samples * SeqLen * 1024 * 4 / 1e6;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"weights + one layer of activations: {weightsMb + activationMb:F0} MB"));
        var sparse = Prune(config, samples, PruningMethod.SparseGpt, out double sparseSeconds, out _);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sparsegpt run: {sparseSeconds:F1} s"));
        Console.WriteLine("| layer | wanda s | sparsegpt s |");
        Console.WriteLine("|---|---|---|");
        for (int i = 0; i < Layers; i++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {i} | {wanda[i].Seconds:F1} | {sparse[i].Seconds:F1} |"));
        }

        return 0;
    }

    private static CausalLM Build(ModelConfig config)
    {
        manual_seed(1);
        var model = new CausalLM(config);
        model.Freeze();
        return model;
    }

    private static double TwoForwardPasses(CausalLM model, List<int[]> samples)
    {
        var clock = Stopwatch.StartNew();
        using var set = ActivationSet.Embed(model, samples);
        foreach (var layer in model.Layers)
        {
            LayerPruner.Forward(layer, set);
        }

        using var again = ActivationSet.Embed(model, samples);
        foreach (var layer in model.Layers)
        {
            LayerPruner.Forward(layer, again);
        }

        return clock.Elapsed.TotalSeconds;
    }

    private static IReadOnlyList<LayerReport> Prune(ModelConfig config, List<int[]> samples, PruningMethod method, out double seconds, out double peakMb)
    {
        using var model = Build(config);
        ResetPeakRss();
        var clock = Stopwatch.StartNew();
        var reports = SequentialPruner.Run(model, samples, new PruneSpec(method, SparsityPattern.Unstructured(0.5)));
        seconds = clock.Elapsed.TotalSeconds;
        peakMb = PeakRssMb();
        return reports;
    }

    private static void ResetPeakRss() => File.WriteAllText("/proc/self/clear_refs", "5");

    private static double PeakRssMb()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}
