using TorchSharp;

namespace Shear.Numerics.Checkpoints;

/// <summary>The dtype names of the safetensors format and their torch equivalents.</summary>
public static class SafetensorsDType
{
    private static readonly (string Name, torch.ScalarType Type, int Size)[] Table =
    [
        ("BF16", torch.ScalarType.BFloat16, 2),
        ("F16", torch.ScalarType.Float16, 2),
        ("F32", torch.ScalarType.Float32, 4),
        ("F64", torch.ScalarType.Float64, 8),
        ("I64", torch.ScalarType.Int64, 8),
        ("I32", torch.ScalarType.Int32, 4),
        ("I16", torch.ScalarType.Int16, 2),
        ("I8", torch.ScalarType.Int8, 1),
        ("U8", torch.ScalarType.Byte, 1),
        ("BOOL", torch.ScalarType.Bool, 1),
    ];

    /// <summary>Looks up a dtype name of the format; false when Shear does not know it.</summary>
    public static bool TryParse(string name, out torch.ScalarType type, out int elementSize)
    {
        foreach (var row in Table)
        {
            if (row.Name == name)
            {
                (type, elementSize) = (row.Type, row.Size);
                return true;
            }
        }

        (type, elementSize) = (default, 0);
        return false;
    }

    /// <summary>The format's name for a torch dtype.</summary>
    /// <exception cref="NotSupportedException">The dtype has no safetensors name Shear writes.</exception>
    public static string NameOf(torch.ScalarType type) => Row(type).Name;

    /// <summary>Bytes per element of a torch dtype Shear writes.</summary>
    /// <exception cref="NotSupportedException">A dtype with no safetensors name.</exception>
    public static int SizeOf(torch.ScalarType type) => Row(type).Size;

    private static (string Name, torch.ScalarType Type, int Size) Row(torch.ScalarType type)
    {
        foreach (var row in Table)
        {
            if (row.Type == type)
            {
                return row;
            }
        }

        throw new NotSupportedException($"dtype {type} cannot be written to safetensors by Shear");
    }

    /// <summary>The names Shear reads, for error messages.</summary>
    public static string KnownNames => string.Join(", ", Table.Select(r => r.Name));
}
