using Shear.Numerics.Checkpoints;
using static TorchSharp.torch;

namespace Shear.Numerics.Pruning.Distributed;

/// <summary>
/// Activations as bytes for the wire: a batch's hidden states (B, T, hidden) split into runs of whole rows of the
/// flattened (B·T, hidden) matrix, each at most a byte budget (Orleans messages stay well under their limit), and put
/// back together on the other side in any arrival order.
/// </summary>
public static class ActivationCodec
{
    /// <summary>Default bytes per chunk (shared/ORLEANS.md: keep messages at 4-16 MB).</summary>
    public const int DefaultChunkBytes = 4 << 20;

    /// <summary>The safetensors dtype name of a tensor.</summary>
    public static string DTypeName(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return SafetensorsDType.NameOf(tensor.dtype);
    }

    /// <summary>Row runs of <paramref name="hidden"/>: (first row, row count, bytes).</summary>
    public static List<(long RowStart, long Rows, byte[] Bytes)> Split(Tensor hidden, int chunkBytes = DefaultChunkBytes)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        var runs = new List<(long, long, byte[])>();
        using var scope = NewDisposeScope(); // disposes what this makes, never the caller's tensor (cpu() may return it)
        var flat = hidden.cpu().contiguous().reshape(-1, hidden.shape[^1]);
        long rowBytes = flat.shape[1] * flat.element_size();
        long perChunk = Math.Max(1, chunkBytes / rowBytes);
        for (long start = 0; start < flat.shape[0]; start += perChunk)
        {
            long rows = Math.Min(perChunk, flat.shape[0] - start);
            runs.Add((start, rows, flat.narrow(0, start, rows).bytes.ToArray()));
        }

        return runs;
    }

    /// <summary>A tensor's bytes (CPU, contiguous), optionally converted to <paramref name="type"/> first.</summary>
    public static byte[] Bytes(Tensor tensor, ScalarType? type = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var scope = NewDisposeScope(); // disposes what this makes, never the caller's tensor
        var c = (type is { } t ? tensor.to_type(t) : tensor).cpu().contiguous();
        return c.bytes.ToArray();
    }

    /// <summary>A tensor of <paramref name="shape"/> from bytes in a safetensors dtype.</summary>
    /// <exception cref="ArgumentException">Unknown dtype or a byte count that does not fit the shape.</exception>
    public static Tensor FromBytes(byte[] data, string dtype, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        return FromBytes(data, data.Length, dtype, shape);
    }

    /// <summary>A tensor from the first <paramref name="length"/> bytes of <paramref name="data"/> (a pooled buffer may be longer).</summary>
    /// <exception cref="ArgumentException">Unknown dtype or a byte count that does not fit the shape.</exception>
    public static Tensor FromBytes(byte[] data, int length, string dtype, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        if (!SafetensorsDType.TryParse(dtype, out var type, out int size))
        {
            throw new ArgumentException($"unknown dtype '{dtype}'");
        }

        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count * size != length || length > data.Length)
        {
            throw new ArgumentException($"{length} bytes do not fit {dtype}[{string.Join(", ", shape)}]");
        }

        var t = empty(shape, type);
        data.AsSpan(0, length).CopyTo(t.bytes);
        return t;
    }

    /// <summary>Collects the row runs of one batch until every part has arrived.</summary>
    public sealed class Assembler(long[] shape, string dtype, int parts)
    {
        private readonly SortedDictionary<long, byte[]> _runs = [];
        private byte[]? _keep;

        /// <summary>Whether every part and the padding mask have arrived.</summary>
        public bool Complete => _runs.Count == parts && _keep is not null;

        /// <summary>Adds a run (a resent run replaces the first copy).</summary>
        public void Add(long rowStart, byte[] rows, byte[]? keep)
        {
            _runs[rowStart] = rows;
            _keep ??= keep;
        }

        /// <summary>The batch: hidden (B, T, hidden) and keep (B, T) as I64.</summary>
        /// <exception cref="InvalidOperationException">Parts are missing.</exception>
        public (Tensor Hidden, Tensor Keep) Build()
        {
            if (!Complete)
            {
                throw new InvalidOperationException($"batch incomplete: {_runs.Count}/{parts} parts, mask {(_keep is null ? "missing" : "present")}");
            }

            var all = new byte[_runs.Values.Sum(r => (long)r.Length)];
            long at = 0;
            foreach (var run in _runs.Values)
            {
                run.CopyTo(all, at);
                at += run.Length;
            }

            return (FromBytes(all, dtype, shape), FromBytes(_keep!, "I64", [shape[0], shape[1]]));
        }
    }
}
