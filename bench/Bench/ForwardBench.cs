using System.Globalization;
using Shear.Numerics.Models;
using static TorchSharp.torch;

namespace Shear.Bench;

/// <summary>
/// Forward throughput of a 2-layer hidden-1024 Llama-shaped model (fp32 and bf16, batch 1 and 8, 512 tokens per
/// sequence) against the plain-matmul ceiling measured in the same run.
/// </summary>
internal static class ForwardBench
{
    private const int Hidden = 1024, Intermediate = 2816, Heads = 16, Layers = 2, Vocab = 32000, SeqLen = 512;

    public static int Run()
    {
        Console.WriteLine($"threads {get_num_threads()}, model: {Layers} layers, hidden {Hidden}, intermediate {Intermediate}, vocab {Vocab}, seq {SeqLen}");
        Console.WriteLine("| dtype | batch | tokens/s | model GFLOP/s | linear GFLOP/s | ratio |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
        {
            var config = ModelConfigLoader.Parse("bench", string.Create(CultureInfo.InvariantCulture,
                $$"""{"model_type":"llama","hidden_size":{{Hidden}},"intermediate_size":{{Intermediate}},"num_hidden_layers":{{Layers}},"num_attention_heads":{{Heads}},"vocab_size":{{Vocab}}}"""));
            using var model = new CausalLM(config, new ModelOptions(dtype));
            model.Freeze();
            foreach (int batch in new[] { 1, 8 })
            {
                using var ids = randint(0, Vocab, [batch, SeqLen], dtype: ScalarType.Int64);
                double seconds = Timing.MedianSeconds(() =>
                {
                    using var scope = NewDisposeScope();
                    using var noGrad = no_grad();
                    model.Forward(ids);
                }, repeats: 3);
                double tokens = batch * SeqLen;
                double ceiling = MatmulCeiling(dtype, batch * SeqLen);
                double gflops = FlopsPerForward(batch) / seconds / 1e9;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {dtype} | {batch} | {tokens / seconds:F0} | {gflops:F1} | {ceiling:F1} | {gflops / ceiling:F2} |"));
            }
        }

        return 0;
    }

    /// <summary>Multiply-adds x2 of the linear layers, attention score/value products and the LM head.</summary>
    private static double FlopsPerForward(int batch)
    {
        double tokens = (double)batch * SeqLen;
        double linear = 2.0 * tokens * ((4.0 * Hidden * Hidden) + (3.0 * Hidden * Intermediate));
        double attention = 2.0 * 2.0 * batch * (double)SeqLen * SeqLen * Hidden; // QK^T and PV, full square
        double head = 2.0 * tokens * Hidden * Vocab;
        return (Layers * (linear + attention)) + head;
    }

    /// <summary>
    /// Best rate of a bare Linear (x W^T, the op the model's layers use) over the MLP's two GEMM shapes at the same token
    /// count (most of the model's FLOPs). A plain row-major matmul is not used: libtorch's bf16 matmul takes a much
    /// slower path than its bf16 linear on AVX2-only CPUs.
    /// </summary>
    private static double MatmulCeiling(ScalarType dtype, int tokens)
    {
        double best = 0;
        foreach (var (k, n) in new[] { (Hidden, Intermediate), (Intermediate, Hidden) })
        {
            using var a = randn([tokens, k], dtype);
            using var w = randn([n, k], dtype);
            double seconds = Timing.MedianSeconds(() =>
            {
                using var c = nn.functional.linear(a, w);
            }, repeats: 3);
            best = Math.Max(best, 2.0 * tokens * k * n / seconds / 1e9);
        }

        return best;
    }
}
