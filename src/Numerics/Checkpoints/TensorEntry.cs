using TorchSharp;

namespace Shear.Numerics.Checkpoints;

/// <summary>One tensor's entry in a safetensors header.</summary>
/// <param name="Name">The tensor's name (an HF state-dict key).</param>
/// <param name="DType">Its torch dtype.</param>
/// <param name="Shape">Its shape.</param>
/// <param name="Begin">Offset of its first byte, relative to the start of the data section.</param>
/// <param name="End">Offset one past its last byte, relative to the start of the data section.</param>
public sealed record TensorEntry(string Name, torch.ScalarType DType, long[] Shape, long Begin, long End)
{
    /// <summary>Bytes of data.</summary>
    public long ByteLength => End - Begin;

    /// <summary>Number of elements.</summary>
    /// <exception cref="OverflowException">More than a long can count (a header that lies; the parser refuses it).</exception>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => checked(a * b));
}
