using System.Text.Json;

namespace Shear.Numerics.IO;

/// <summary>Shared JSON settings.</summary>
public static class JsonOptions
{
    /// <summary>Indented output, as HF writes its JSON files.</summary>
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Indented, leaving out null members (config.json written by Shear).</summary>
    public static readonly JsonSerializerOptions IndentedWithoutNulls = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
