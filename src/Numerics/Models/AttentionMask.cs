using static TorchSharp.torch;

namespace Shear.Numerics.Models;

/// <summary>Builds the additive 4-D attention mask: causal, padding and (optionally) sliding window.</summary>
public static class AttentionMask
{
    /// <summary>
    /// Mask for <paramref name="queryLength"/> new tokens after <paramref name="pastLength"/> cached ones.
    /// <paramref name="keep"/> is (B, past + T) with 1 for real tokens and 0 for padding, or null (no padding).
    /// Returns (B, 1, T, past + T) in <paramref name="dtype"/>, or null when nothing needs masking.
    /// </summary>
    public static Tensor? Build(Tensor? keep, long batch, long queryLength, long pastLength, ScalarType dtype, Device device, int? slidingWindow)
    {
        long total = pastLength + queryLength;
        bool needsWindow = slidingWindow is { } w && total > w;
        if (keep is null && queryLength == 1 && !needsWindow)
        {
            return null;
        }

        using var scope = NewDisposeScope();
        var q = arange(pastLength, total, device: device).unsqueeze(1); // (T, 1): absolute query positions
        var k = arange(0, total, device: device).unsqueeze(0);          // (1, S): absolute key positions
        var allowed = k <= q;                                            // (T, S) causal
        if (needsWindow)
        {
            allowed = allowed & (q - k < slidingWindow!.Value);
        }

        var allowed4 = allowed.unsqueeze(0).unsqueeze(0).expand(batch, 1, queryLength, total); // (T, S) -> (B, 1, T, S)
        if (keep is not null)
        {
            var keys = keep.to(device).to_type(ScalarType.Bool).unsqueeze(1).unsqueeze(1); // (B, S) -> (B, 1, 1, S)
            allowed4 = allowed4 & keys;
        }

        var mask = zeros([batch, 1, queryLength, total], dtype, device).masked_fill(allowed4.logical_not(), MinValue(dtype));
        return mask.MoveToOuterDisposeScope();
    }

    /// <summary>The most negative finite value of a dtype (HF's <c>torch.finfo(dtype).min</c>).</summary>
    public static double MinValue(ScalarType dtype) => dtype switch
    {
        ScalarType.BFloat16 => -3.3895313892515355e38,
        ScalarType.Float16 => -65504.0,
        ScalarType.Float64 => double.MinValue,
        _ => float.MinValue,
    };
}
