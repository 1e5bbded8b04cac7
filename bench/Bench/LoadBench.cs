using System.Globalization;
using Shear.Numerics.Checkpoints;
using static TorchSharp.torch;

namespace Shear.Bench;

/// <summary>Safetensors write and read speed for a file of the given size (bf16 tensors of 64 MB each).</summary>
internal static class LoadBench
{
    public static int Run(long megabytes)
    {
        var dir = Path.Combine(Path.GetTempPath(), "shear-bench-load");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "model.safetensors");
        long perTensor = 32L * 1024 * 1024; // bf16 elements: 64 MiB
        int count = (int)Math.Max(1, megabytes * 1_000_000 / (perTensor * 2));
        var tensors = Enumerable.Range(0, count).Select(i => new KeyValuePair<string, Tensor>($"t.{i}", randn([perTensor], ScalarType.BFloat16))).ToList();
        double bytes = count * perTensor * 2.0;
        double write = Timing.MedianSeconds(() => SafetensorsWriter.Write(path, tensors), repeats: 3);
        double read = Timing.MedianSeconds(() =>
        {
            using var file = SafetensorsFile.Open(path);
            foreach (var name in file.Header.Tensors.Keys)
            {
                using var t = file.Read(name);
            }
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"file {bytes / 1e6:F0} MB ({count} bf16 tensors): write {bytes / write / 1e9:F2} GB/s ({write:F2} s), read {bytes / read / 1e9:F2} GB/s ({read:F3} s, page cache warm)"));
        foreach (var (_, t) in tensors)
        {
            t.Dispose();
        }

        File.Delete(path);
        return 0;
    }
}
