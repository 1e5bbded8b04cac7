using System.Buffers.Binary;
using System.Text.Json;
using Shear.Numerics.IO;
using TorchSharp;

namespace Shear.Numerics.Checkpoints;

/// <summary>
/// Writes safetensors files: header padded with spaces to a multiple of 8 bytes (so every tensor's data is
/// 8-byte aligned), optional <c>__metadata__</c>, data in the given order. The file is written to a temp path
/// beside the target and renamed over it when complete, so an existing file is replaced whole or not at all.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>Writes <paramref name="tensors"/> (any device/layout; copied to contiguous CPU) to <paramref name="path"/>.</summary>
    public static void Write(string path, IReadOnlyList<KeyValuePair<string, torch.Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var header = BuildHeader(tensors.Select(t => TensorSpec.Of(t.Key, t.Value)).ToList(), metadata);
        var temp = AtomicFile.TempPathFor(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                Span<byte> length = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
                stream.Write(length);
                stream.Write(header);
                foreach (var (_, tensor) in tensors)
                {
                    using var scope = torch.NewDisposeScope();
                    TensorBytes.Write(tensor.cpu().contiguous(), stream);
                }

                stream.Flush(flushToDisk: false);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>The header bytes (length prefix not included) for tensors stored back to back in the given order, padded to 8 bytes.</summary>
    public static byte[] BuildHeader(IReadOnlyList<TensorSpec> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        using var ms = new MemoryStream();
        using (var json = new Utf8JsonWriter(ms))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata)
                {
                    json.WriteString(k, v);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, dtype, shape) in tensors)
            {
                if (!seen.Add(name))
                {
                    throw new ArgumentException($"tensor name '{name}' appears twice", nameof(tensors));
                }

                long bytes = new TensorSpec(name, dtype, shape).ByteLength;
                json.WriteStartObject(name);
                json.WriteString("dtype", SafetensorsDType.NameOf(dtype));
                json.WriteStartArray("shape");
                foreach (var d in shape)
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }

            json.WriteEndObject();
        }

        int length = (int)ms.Length;
        int padded = (length + 7) / 8 * 8;
        var result = new byte[padded];
        ms.GetBuffer().AsSpan(0, length).CopyTo(result);
        result.AsSpan(length).Fill((byte)' ');
        return result;
    }
}
