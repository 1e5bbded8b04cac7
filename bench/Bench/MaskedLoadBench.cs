using System.Diagnostics;
using System.Globalization;
using Shear.Numerics.Checkpoints;
using Shear.Numerics.Models;
using Shear.Numerics.Runtime;

namespace Shear.Bench;

/// <summary>
/// The extra load time of a masks-only sub-model: every decoder layer loaded (fp32, as the evaluators and the layer
/// loop load them) from its base and from the sub-model (the base read, the masks applied), alternating, page cache
/// warm after the first pass; plus the first open, which hashes the base's weight files once per process.
/// </summary>
internal static class MaskedLoadBench
{
    public static int Run(string subModel, int repeats = 3)
    {
        var clock = Stopwatch.StartNew();
        using var masked = CheckpointReader.Open(subModel);
        double open = clock.Elapsed.TotalSeconds;
        using var plain = CheckpointReader.Open(masked.Directory);
        var config = ModelConfigLoader.Load(subModel);
        long bytes = masked.Names.Sum(n => masked.Entry(n).ByteLength);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first open of {subModel} (SHA-256 of {bytes / 1e9:F2} GB of base weights): {open:F1} s"));
        double Pass(CheckpointReader reader)
        {
            var t = Stopwatch.StartNew();
            for (int k = 0; k < config.NumHiddenLayers; k++)
            {
                using var layer = CausalLM.LoadLayer(config, reader, k, ModelOptions.Default);
                NativeHeap.Trim();
            }

            return t.Elapsed.TotalSeconds;
        }

        Pass(plain); // warm the page cache
        var timesPlain = new List<double>();
        var timesMasked = new List<double>();
        for (int r = 0; r < repeats; r++)
        {
            timesPlain.Add(Pass(plain));
            timesMasked.Add(Pass(masked));
        }

        double p = timesPlain.Order().ElementAt(repeats / 2), m = timesMasked.Order().ElementAt(repeats / 2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{config.NumHiddenLayers} layers loaded (median of {repeats}): base {p:F2} s, masks-only {m:F2} s: +{m - p:F2} s ({(m / p - 1) * 100:F0}%), {(m - p) / config.NumHiddenLayers * 1000:F0} ms per layer"));
        return 0;
    }
}
