using System.Buffers.Binary;
using System.Text.Json;

namespace Shear.Numerics.Checkpoints;

/// <summary>
/// The parsed header of a safetensors file: an 8-byte little-endian header length, a JSON object of
/// <c>name: {dtype, shape, data_offsets}</c> plus an optional <c>__metadata__</c> string map, then raw data.
/// </summary>
public sealed class SafetensorsHeader
{
    /// <summary>Largest header accepted (the reference implementation's limit).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private SafetensorsHeader(Dictionary<string, TensorEntry> tensors, Dictionary<string, string> metadata, long dataStart)
    {
        Tensors = tensors;
        Metadata = metadata;
        DataStart = dataStart;
    }

    /// <summary>Tensors by name, in file order of their data.</summary>
    public IReadOnlyDictionary<string, TensorEntry> Tensors { get; }

    /// <summary>The <c>__metadata__</c> map (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>File offset of the data section (8 + header length).</summary>
    public long DataStart { get; }

    /// <summary>Reads and validates the header of <paramref name="path"/> without reading tensor data.</summary>
    /// <exception cref="CheckpointFormatException">The file is truncated or its header is malformed.</exception>
    public static SafetensorsHeader Read(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        long fileLength = RandomAccess.GetLength(handle);
        if (fileLength < 8)
        {
            throw new CheckpointFormatException(path, $"truncated safetensors file: {fileLength} bytes, shorter than the 8-byte header length");
        }

        Span<byte> lengthBytes = stackalloc byte[8];
        RandomAccess.Read(handle, lengthBytes, 0);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)(fileLength - 8))
        {
            throw new CheckpointFormatException(path, $"header length {headerLength} runs past the end of the file ({fileLength} bytes)");
        }

        if (headerLength > MaxHeaderBytes)
        {
            throw new CheckpointFormatException(path, $"header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit");
        }

        var json = new byte[headerLength];
        RandomAccess.Read(handle, json, 8);
        long dataStart = 8 + (long)headerLength;
        return Parse(path, json, fileLength - dataStart, dataStart);
    }

    private static SafetensorsHeader Parse(string path, byte[] json, long dataLength, long dataStart)
    {
        try
        {
            _ = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(json);
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw new CheckpointFormatException(path, "header is not UTF-8 text");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(path, $"header is not valid JSON: {e.Message}");
        }


        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new CheckpointFormatException(path, "header is not a JSON object");
            }

            var tensors = new Dictionary<string, TensorEntry>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__")
                {
                    ReadMetadata(path, prop.Value, metadata);
                    continue;
                }

                var entry = SafetensorsEntryParser.Parse(path, prop.Name, prop.Value, dataLength);
                tensors[entry.Name] = entry;
            }

            var ordered = tensors.Values.OrderBy(t => t.Begin).ThenBy(t => t.End).ToDictionary(t => t.Name, StringComparer.Ordinal);
            TensorEntry? previous = null;
            foreach (var t in ordered.Values.Where(t => t.End > t.Begin))
            {
                if (previous is not null && t.Begin < previous.End)
                {
                    throw new CheckpointFormatException(path, $"tensors '{previous.Name}' and '{t.Name}' overlap (bytes {t.Begin} to {Math.Min(previous.End, t.End)})");
                }

                previous = t;
            }

            return new SafetensorsHeader(ordered, metadata, dataStart);
        }
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new CheckpointFormatException(path, "__metadata__ is not an object of strings");
        }

        foreach (var m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String)
            {
                throw new CheckpointFormatException(path, $"__metadata__ value '{m.Name}' is not a string");
            }

            metadata[m.Name] = m.Value.GetString()!;
        }
    }
}
