using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Shear.Numerics.Analysis;

namespace Shear.Bench;

/// <summary>
/// Jaccard over two LLaMA-7B-sized mask sets (32 layers x q/k/v/o 4096x4096 + gate/up 11008x4096 + down 4096x11008,
/// random bits) through <see cref="MaskSimilarity.Compare"/>, against a bare popcount loop over the same words.
/// </summary>
internal static class JaccardBench
{
    public static int Run()
    {
        var shapes = new (string Name, long Rows, long Cols)[]
        {
            ("self_attn.q_proj", 4096, 4096), ("self_attn.k_proj", 4096, 4096), ("self_attn.v_proj", 4096, 4096), ("self_attn.o_proj", 4096, 4096),
            ("mlp.gate_proj", 11008, 4096), ("mlp.up_proj", 11008, 4096), ("mlp.down_proj", 4096, 11008),
        };
        var random = new Random(0);
        MaskSet Make(string name) => new(name, Enumerable.Range(0, 32).SelectMany(layer => shapes.Select(s =>
        {
            var words = new ulong[s.Rows * s.Cols / 64];
            random.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(words.AsSpan()));
            return new PackedMask($"model.layers.{layer}.{s.Name}", [s.Rows, s.Cols], words);
        })).ToList());
        var clock = Stopwatch.StartNew();
        var a = Make("a");
        var b = Make("b");
        double bytes = 2.0 * a.Masks.Sum(m => (long)m.Words.Length * 8);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"two mask sets of {a.Masks.Sum(m => m.Count) / 1e9:F2} G entries each ({bytes / 2 / 1e9:F2} GB packed), made in {clock.Elapsed.TotalSeconds:F1} s"));
        MaskSimilarity? result = null;
        double compare = Timing.MedianSeconds(() => result = MaskSimilarity.Compare(a, b), repeats: 3);
        long sink = 0;
        double raw = Timing.MedianSeconds(() =>
        {
            long and = 0;
            for (int m = 0; m < a.Masks.Count; m++)
            {
                var x = a.Masks[m].Words;
                var y = b.Masks[m].Words;
                for (int i = 0; i < x.Length; i++)
                {
                    and += BitOperations.PopCount(x[i] & y[i]);
                }
            }

            sink += and;
        }, repeats: 3);
        Console.WriteLine("| what | seconds | GB/s of mask data |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| MaskSimilarity.Compare (AND, OR, A counts; 3 levels) | {compare:F2} | {bytes / compare / 1e9:F2} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| bare popcount(a & b) loop | {raw:F2} | {bytes / raw / 1e9:F2} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"model similarity {result!.Model.Similarity:F6} (random halves: 1/3), checksum {sink}"));
        return 0;
    }
}
