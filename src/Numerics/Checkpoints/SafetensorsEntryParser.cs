using System.Text.Json;

namespace Shear.Numerics.Checkpoints;

/// <summary>Validates one tensor entry of a safetensors header.</summary>
internal static class SafetensorsEntryParser
{
    public static TensorEntry Parse(string path, string name, JsonElement value, long dataLength)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new CheckpointFormatException(path, $"tensor '{name}' entry is not an object");
        }

        string dtypeName = Require(path, name, value, "dtype", JsonValueKind.String).GetString()!;
        if (!SafetensorsDType.TryParse(dtypeName, out var dtype, out int elementSize))
        {
            throw new CheckpointFormatException(path, $"tensor '{name}' has unknown dtype '{dtypeName}' (Shear reads {SafetensorsDType.KnownNames})");
        }

        var shape = ReadLongs(path, name, Require(path, name, value, "shape", JsonValueKind.Array), "shape");
        if (shape.Any(d => d < 0))
        {
            throw new CheckpointFormatException(path, $"tensor '{name}' has a negative dimension in shape [{string.Join(",", shape)}]");
        }

        var offsets = ReadLongs(path, name, Require(path, name, value, "data_offsets", JsonValueKind.Array), "data_offsets");
        if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0])
        {
            throw new CheckpointFormatException(path, $"tensor '{name}' has invalid data_offsets [{string.Join(",", offsets)}]");
        }

        if (offsets[1] > dataLength)
        {
            throw new CheckpointFormatException(path,
                $"tensor '{name}' data [{offsets[0]},{offsets[1]}) runs past the end of the data section ({dataLength} bytes): truncated file");
        }

        var entry = new TensorEntry(name, dtype, shape, offsets[0], offsets[1]);
        long expected;
        try
        {
            expected = checked(entry.ElementCount * elementSize);
        }
        catch (OverflowException)
        {
            throw new CheckpointFormatException(path, $"tensor '{name}' has shape [{string.Join(",", shape)}], more elements than any file can hold");
        }

        if (entry.ByteLength != expected)
        {
            throw new CheckpointFormatException(path,
                $"tensor '{name}' has {entry.ByteLength} bytes but shape [{string.Join(",", shape)}] of {dtypeName} needs {expected}");
        }

        return entry;
    }

    private static JsonElement Require(string path, string name, JsonElement obj, string field, JsonValueKind kind)
    {
        if (!obj.TryGetProperty(field, out var v) || v.ValueKind != kind)
        {
            throw new CheckpointFormatException(path, $"tensor '{name}' lacks a valid '{field}' field");
        }

        return v;
    }

    private static long[] ReadLongs(string path, string name, JsonElement array, string field)
    {
        var result = new long[array.GetArrayLength()];
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out result[i++]))
            {
                throw new CheckpointFormatException(path, $"tensor '{name}' field '{field}' holds a non-integer");
            }
        }

        return result;
    }
}
