namespace Shear.Grains.Abstractions;

/// <summary>
/// A slice of a tensor crossing a grain boundary: raw little-endian bytes plus dtype and shape. Keep each chunk
/// well under the Orleans message limit (4-16 MB; shared/ORLEANS.md), and never ship float[] (encoded per element).
/// </summary>
/// <param name="DType">The safetensors dtype name (<c>BF16</c>, <c>F32</c>, ...).</param>
/// <param name="Shape">The chunk's shape.</param>
/// <param name="Data">The chunk's bytes, row-major.</param>
[GenerateSerializer, Immutable, Alias("shear.v1.TensorChunk")]
public sealed record TensorChunk(
    [property: Id(0)] string DType,
    [property: Id(1)] long[] Shape,
    [property: Id(2)] byte[] Data);
