using System.Globalization;

namespace Shear.Numerics.Runtime;

/// <summary>
/// What one run may ask for: counts beyond these are refused before any work (one line naming the value), so a typo
/// such as <c>--nsamples 2000000000</c> cannot grow memory without limit.
/// </summary>
public static class RunBounds
{
    /// <summary>Most calibration samples (the papers use 128).</summary>
    public const int MaxSamples = 1 << 16;

    /// <summary>Longest calibration window or evaluation context in tokens.</summary>
    public const int MaxSeqLen = 1 << 20;

    /// <summary>Most generated samples per code problem or translation sentence.</summary>
    public const int MaxSamplesPerItem = 1000;

    /// <summary>Most padded tokens per calibration batch.</summary>
    public const int MaxTokenBudget = 1 << 24;

    /// <summary>Most new tokens per generated sample.</summary>
    public const int MaxNewTokens = 1 << 16;

    /// <summary>
    /// Refuses calibration whose activations (fp32 inputs and outputs of a layer over every sample) would not fit in
    /// this machine's memory.
    /// </summary>
    /// <exception cref="ArgumentException">Too many tokens for the memory (sizes named).</exception>
    public static void CheckCalibration(int nsamples, int seqlen, long hidden)
    {
        if (nsamples is <= 0 or > MaxSamples)
        {
            throw new ArgumentException($"--nsamples {nsamples} is out of range (1 to {MaxSamples})");
        }

        if (seqlen is <= 0 or > MaxSeqLen)
        {
            throw new ArgumentException($"--seqlen {seqlen} is out of range (1 to {MaxSeqLen})");
        }

        double bytes = 2.0 * nsamples * seqlen * hidden * sizeof(float);
        long memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (bytes > memory)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"--nsamples {nsamples} x --seqlen {seqlen} x hidden size {hidden} needs {bytes / 1e9:F1} GB of activations; this machine has {memory / 1e9:F1} GB"));
        }
    }
}
