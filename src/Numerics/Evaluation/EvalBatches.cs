using Shear.Numerics.Models;
using Shear.Numerics.Runtime;
using static TorchSharp.torch;

namespace Shear.Numerics.Evaluation;

/// <summary>
/// How many rows an evaluation forward takes at once, from the free memory of the model's device: half of what is
/// free over what one row needs (<see cref="BytesPerRow"/>), at least 1, at most the benchmark's cap (its fixed batch
/// on CPU, 8 times it on CUDA). Unknown free memory means the cap. On these CPU machines with the tiny model the cap
/// is what binds, so results stay what they were; a 7B model's perplexity windows shrink to what fits.
/// </summary>
public static class EvalBatches
{
    /// <summary>The share of free memory a batch may take.</summary>
    public const double Headroom = 0.5;

    /// <summary>
    /// Bytes one row of <paramref name="tokens"/> tokens needs in a forward: its logits (in the dtype, then fp32 and
    /// the fp32 log-softmax), the residual stream, attention and MLP activations of one layer (the layers run one after
    /// the other), the attention scores of all heads (tokens^2, the math kernel's worst case) and the KV cache of every
    /// layer (generation keeps it).
    /// </summary>
    public static long BytesPerRow(ModelConfig config, ScalarType dtype, long tokens)
    {
        ArgumentNullException.ThrowIfNull(config);
        long size = dtype is ScalarType.Float32 ? 4 : 2;
        long logits = tokens * config.VocabSize * (size + 4 + 4);
        long layer = tokens * size * ((6L * config.HiddenSize) + (3L * config.IntermediateSize) + (2L * config.KvHeads * config.HeadDim));
        long scores = config.NumAttentionHeads * tokens * tokens * size;
        long cache = 2L * config.NumHiddenLayers * config.KvHeads * config.HeadDim * tokens * size;
        return logits + layer + scores + cache;
    }

    /// <summary>Rows per batch for rows of <paramref name="tokens"/> tokens, given <paramref name="freeBytes"/> (null: unknown).</summary>
    public static int Rows(ModelConfig config, ModelOptions options, long tokens, int cap, long? freeBytes)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(cap, 1);
        int most = Devices.IsCuda(options.DeviceName) ? cap * 8 : cap;
        if (freeBytes is not { } free)
        {
            return most;
        }

        long fit = (long)(free * Headroom) / Math.Max(1, BytesPerRow(config, options.DType, Math.Max(1, tokens)));
        return (int)Math.Clamp(fit, 1, most);
    }

    /// <summary>Rows per batch for <paramref name="lm"/> on its device now.</summary>
    public static int Rows(CausalLM lm, long tokens, int cap)
    {
        ArgumentNullException.ThrowIfNull(lm);
        return Rows(lm.Config, lm.Options, tokens, cap, DeviceMemory.Free(lm.Options.DeviceName));
    }
}
