using static TorchSharp.torch;

namespace Shear.Numerics.Models;

/// <summary>Position ids as HF generation derives them.</summary>
public static class PositionIds
{
    /// <summary>
    /// Positions (B, T) of the last <paramref name="length"/> tokens. With a padding mask (B, past + T), a token's
    /// position is the number of real tokens before it (so left padding does not shift positions); without one,
    /// <c>past .. past + T - 1</c>.
    /// </summary>
    public static Tensor From(Tensor? keep, long batch, long length, long past, Device device)
    {
        using var scope = NewDisposeScope();
        Tensor positions;
        if (keep is null)
        {
            positions = arange(past, past + length, device: device).unsqueeze(0).expand(batch, length); // (T) -> (B, T)
        }
        else
        {
            var k = keep.to_type(ScalarType.Int64);
            var all = k.cumsum(-1) - 1;                      // (B, S): index among real tokens
            all = all.masked_fill(k.eq(0), 1);               // HF fills pad positions with 1
            positions = all.narrow(1, all.shape[1] - length, length);
        }

        return positions.contiguous().MoveToOuterDisposeScope();
    }
}
