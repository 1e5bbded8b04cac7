using System.Globalization;
using Shear.Numerics.Checkpoints;

namespace Shear.Numerics.Analysis;

/// <summary>
/// One Linear's mask as stored (<see cref="Pruning.MaskFile"/>): bits row-major, least significant first, 1 = pruned,
/// zero padding in the last byte. Held as 64-bit words so set operations run a word at a time.
/// </summary>
/// <param name="Name">Full Linear name (<c>model.layers.3.self_attn.q_proj</c>).</param>
/// <param name="Shape">Matrix shape.</param>
/// <param name="Words">The bits, padded with zeros to whole words.</param>
public sealed record PackedMask(string Name, long[] Shape, ulong[] Words)
{
    /// <summary>Entries of the matrix.</summary>
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Decoder layer index parsed from the name (<c>model.layers.I.</c>), or -1.</summary>
    public int Layer => PrunedLinears.Split(Name)?.Layer ?? -1;

    /// <summary>The Linear's short name within its layer (<c>self_attn.q_proj</c>).</summary>
    public string Matrix => PrunedLinears.Split(Name)?.Within ?? Name;

    /// <summary>Whether entry (row, col) is pruned.</summary>
    public bool this[long row, long col]
    {
        get
        {
            long i = (row * Shape[^1]) + col;
            return ((Words[i >> 6] >> (int)(i & 63)) & 1) != 0;
        }
    }

    /// <summary>Reads a Shear mask file without going through tensors.</summary>
    /// <exception cref="CheckpointFormatException">Not a Shear mask file, or its byte count does not fit its shape.</exception>
    public static PackedMask Read(string path, string name)
    {
        var header = SafetensorsHeader.Read(path);
        if (!header.Metadata.TryGetValue("shape", out var shapeText) || !header.Tensors.TryGetValue("mask", out var entry))
        {
            throw new CheckpointFormatException(path, "not a Shear mask file (needs a 'mask' tensor and 'shape' metadata)");
        }

        long[] shape;
        try
        {
            shape = shapeText.Split(',').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (FormatException)
        {
            throw new CheckpointFormatException(path, $"bad shape metadata '{shapeText}'");
        }

        long count = shape.Aggregate(1L, (a, b) => a * b);
        long bytes = entry.End - entry.Begin;
        if (bytes != (count + 7) / 8)
        {
            throw new CheckpointFormatException(path, $"mask has {bytes} bytes, shape {shapeText} needs {(count + 7) / 8}");
        }

        var words = new ulong[(bytes + 7) / 8];
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        var span = System.Runtime.InteropServices.MemoryMarshal.AsBytes(words.AsSpan())[..(int)bytes];
        int read = 0;
        while (read < bytes)
        {
            int n = RandomAccess.Read(handle, span[read..], header.DataStart + entry.Begin + read);
            if (n == 0)
            {
                throw new CheckpointFormatException(path, "truncated mask data");
            }

            read += n;
        }

        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("mask words assume a little-endian machine");
        }

        return new PackedMask(name, shape, words);
    }
}
