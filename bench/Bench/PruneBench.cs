using System.Diagnostics;
using System.Globalization;
using Shear.Numerics.Data;
using Shear.Numerics.Experiment;
using Shear.Numerics.Pruning;
using static TorchSharp.torch;

namespace Shear.Bench;

/// <summary>
/// <c>shear prune</c>'s streamed path on a random Llama-shaped checkpoint: wall time, peak RSS, bytes written (from
/// /proc/self/io) against the output's size, for 1 and 2 in-process shards. <c>prune</c> uses a ~470 MB model
/// (4 layers, hidden 1024); <c>prune DIR</c> prunes an existing checkpoint (e.g. one from <c>write-7b</c>).
/// </summary>
internal static class PruneBench
{
    private const string Small = """{"model_type":"llama","hidden_size":1024,"intermediate_size":2816,"num_hidden_layers":4,"num_attention_heads":16,"vocab_size":32000,"max_position_embeddings":2048}""";

    public static int Run(string? model, int nsamples, int seqlen, int shards)
    {
        if (model is null)
        {
            model = Path.Combine(Path.GetTempPath(), "shear-bench-small");
            if (!File.Exists(Path.Combine(model, "model.safetensors")))
            {
                RandomCheckpoint.Write(model, Small, ScalarType.Float32);
            }
        }

        var output = Path.Combine(Path.GetTempPath(), $"shear-bench-pruned-{Environment.ProcessId}");
        var request = new PruneRequest(model, new PruneSpec(PruningMethod.Wanda, SparsityPattern.Unstructured(0.5)), CalibrationSet.Parse("builtin_text"), SamplingMode.Windows,
            nsamples, seqlen, 0, output, false) { DataDirectory = "data" };
        long writtenBefore = WriteBytes();
        var clock = Stopwatch.StartNew();
        var report = LocalPruneJob.Run(request, shards: shards);
        double seconds = clock.Elapsed.TotalSeconds;
        long written = WriteBytes() - writtenBefore;
        long outputBytes = Directory.GetFiles(output, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"model {model}: {report.Layers.Count} layers, wanda 50%, {nsamples} x {seqlen} tokens, {shards} shard(s), threads {get_num_threads()}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wall {seconds:F1} s ({seconds / report.Layers.Count:F1} s/layer); peak RSS {PeakRssMb():F0} MB; written {written / 1e9:F2} GB, output {outputBytes / 1e9:F2} GB; total sparsity {report.TotalSparsity:F4}"));
        Directory.Delete(output, recursive: true);
        return 0;
    }

    private static long WriteBytes()
    {
        var line = File.ReadLines("/proc/self/io").First(l => l.StartsWith("write_bytes:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    private static double PeakRssMb()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}
