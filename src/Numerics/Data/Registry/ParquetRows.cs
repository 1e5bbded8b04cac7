using System.Collections;
using System.Text.Json;
using Parquet.Serialization;

namespace Shear.Numerics.Data.Registry;

/// <summary>Reads the rows of a Parquet file (as HF publishes datasets) as JSON elements, nested structs and lists included.</summary>
public static class ParquetRows
{
    /// <summary>Rows with their 1-based row number.</summary>
    /// <exception cref="DataFormatException">Not a readable Parquet file (names the file).</exception>
    public static List<(int Line, JsonElement Row)> Read(string path)
    {
        List<Dictionary<string, object>> rows;
        try
        {
            using var stream = File.OpenRead(path);
            rows = ParquetSerializer.DeserializeUntypedAsync(stream).GetAwaiter().GetResult().Data.ToList();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or InvalidOperationException or ArgumentException
            or Parquet.ParquetException or IndexOutOfRangeException)
        {
            throw new DataFormatException(path, $"not a readable Parquet file ({e.Message.ReplaceLineEndings(" ")})");
        }

        return rows.Select((r, i) => (i + 1, JsonSerializer.SerializeToElement(Normalize(r)))).ToList();
    }

    /// <summary>Plain values for JSON: Parquet.Net hands strings inside lists over as <c>ReadOnlyMemory&lt;char&gt;</c>.</summary>
    private static object? Normalize(object? value) => value switch
    {
        null => null,
        string s => s,
        ReadOnlyMemory<char> m => m.ToString(),
        IEnumerable<KeyValuePair<string, object>> d => d.ToDictionary(e => e.Key, e => Normalize(e.Value)),
        IDictionary d => d.Keys.Cast<object>().ToDictionary(k => k.ToString()!, k => Normalize(d[k])),
        IEnumerable list => list.Cast<object?>().Select(Normalize).ToList(),
        _ => value,
    };
}
