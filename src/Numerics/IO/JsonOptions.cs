using System.Text.Json;

namespace Shear.Numerics.IO;

/// <summary>Shared JSON settings.</summary>
public static class JsonOptions
{
    /// <summary>Indented output, as HF writes its JSON files.</summary>
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
