namespace Shear.Grains.Abstractions;

/// <summary>
/// A slice of one input batch for a layer grain: rows [<paramref name="RowStart"/>, +rows) of the batch's hidden
/// states flattened to (B·T, hidden), as raw bytes; the padding mask travels with part 0. Parts of a batch may arrive
/// in any order; the batch is complete when <paramref name="Parts"/> parts have arrived.
/// </summary>
/// <param name="Batch">Batch index.</param>
/// <param name="Part">This part.</param>
/// <param name="Parts">Parts of the batch.</param>
/// <param name="Shape">The batch's hidden shape (B, T, hidden).</param>
/// <param name="RowStart">First flattened row in <paramref name="Hidden"/>.</param>
/// <param name="Hidden">The rows.</param>
/// <param name="Keep">The (B, T) padding mask as I64 (part 0 only).</param>
[GenerateSerializer, Immutable, Alias("shear.v1.ActivationChunk")]
public sealed record ActivationChunk(
    [property: Id(0)] int Batch,
    [property: Id(1)] int Part,
    [property: Id(2)] int Parts,
    [property: Id(3)] long[] Shape,
    [property: Id(4)] long RowStart,
    [property: Id(5)] TensorChunk Hidden,
    [property: Id(6)] TensorChunk? Keep);
