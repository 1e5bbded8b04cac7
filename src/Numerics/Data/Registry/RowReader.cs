using System.IO.Compression;
using System.Text.Json;
using Shear.Numerics.IO;

namespace Shear.Numerics.Data.Registry;

/// <summary>
/// Reads dataset rows from JSON Lines, JSON (an array, or an object with a <c>data</c>/<c>rows</c> array), their .gz
/// forms, and Parquet. A <c>.json</c> file holding one object per line (as c4's <c>.json.gz</c> shards do) is read as JSON Lines.
/// </summary>
public static class RowReader
{
    /// <summary>File endings the reader understands.</summary>
    public static readonly string[] Extensions = [".jsonl", ".json", ".jsonl.gz", ".json.gz", ".parquet"];

    /// <summary>
    /// The data files (<see cref="Extensions"/>) of <paramref name="folder"/> in name order (shards), narrowed to those
    /// whose names contain the first of <paramref name="splits"/> that any file name contains; all of them when none
    /// does; empty when the folder is absent.
    /// </summary>
    public static IReadOnlyList<string> FilesIn(string folder, IReadOnlyList<string> splits)
    {
        ArgumentNullException.ThrowIfNull(splits);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var all = Directory.GetFiles(folder).Where(f => Extensions.Any(e => f.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            .Order(StringComparer.Ordinal).ToList();
        foreach (var split in splits)
        {
            var chosen = all.Where(f => Path.GetFileName(f).Contains(split, StringComparison.OrdinalIgnoreCase)).ToList();
            if (chosen.Count > 0)
            {
                return chosen;
            }
        }

        return all;
    }

    /// <summary>Rows of a file with their 1-based line (JSON Lines) or item number (JSON).</summary>
    /// <exception cref="DataFormatException">Malformed JSON (with line), a truncated .gz, or an unsupported layout; names the file.</exception>
    public static List<(int Line, JsonElement Row)> Read(string path)
    {
        if (path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
        {
            return ParquetRows.Read(path);
        }

        try
        {
            bool gz = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
            if (!gz && new FileInfo(path).Length > TextLimits.MaxWholeFileBytes && !path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
            {
                throw new DataFormatException(path, $"more than the {TextLimits.MaxWholeFileBytes >> 20} MB a JSON file may have (use JSON Lines)");
            }

            using Stream stream = gz ? Gunzip(path) : File.OpenRead(path);
            using var reader = new StreamReader(stream, TextLimits.StrictUtf8);
            var inner = gz ? path[..^3] : path;
            if (inner.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
            {
                return Lines(path, reader);
            }

            var text = reader.ReadToEnd();
            return IsJsonLines(text) ? Lines(path, new StringReader(text)) : Document(path, text);
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw new DataFormatException(path, "not UTF-8 text (an invalid byte sequence)");
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new DataFormatException(path, path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) && !e.Message.StartsWith("line ", StringComparison.Ordinal)
                ? $"corrupt or truncated gzip data ({e.Message})" : e.Message);
        }
    }

    /// <summary>
    /// Decompresses a whole .gz file, checking the trailer's length field: .NET's GZipStream ends quietly at a
    /// truncated member, which would otherwise surface as a misleading JSON error on the last line.
    /// </summary>
    private static MemoryStream Gunzip(string path)
    {
        var bytes = File.ReadAllBytes(path);
        MemoryStream output;
        using (var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress))
        {
            output = TextLimits.Decompress(gzip, bytes.Length);
        }

        uint trailer = bytes.Length >= 18 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4)) : uint.MaxValue;
        if (trailer != (uint)output.Length)
        {
            throw new InvalidDataException($"decompressed {output.Length} bytes but the gzip trailer says {trailer}");
        }

        output.Position = 0;
        return output;
    }

    private static bool IsJsonLines(string text)
    {
        var trimmed = text.TrimStart();
        if (!trimmed.StartsWith('{'))
        {
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(text);
            return !(doc.RootElement.TryGetProperty("data", out _) || doc.RootElement.TryGetProperty("rows", out _));
        }
        catch (JsonException)
        {
            return true; // more than one top-level value: one object per line
        }
    }

    private static List<(int, JsonElement)> Lines(string path, TextReader reader)
    {
        var rows = new List<(int, JsonElement)>();
        int number = 0;
        foreach (var line in TextLimits.Lines(reader))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(line);
                rows.Add((number, doc.RootElement.Clone()));
            }
            catch (JsonException e)
            {
                throw new DataFormatException(path, $"line {number}: not valid JSON ({e.Message.Split('.')[0]})");
            }
        }

        return rows;
    }

    private static List<(int, JsonElement)> Document(string path, string text)
    {
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(text);
            root = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, $"not valid JSON ({e.Message.Split('.')[0]})");
        }

        var array = root.ValueKind == JsonValueKind.Array ? root
            : root.ValueKind == JsonValueKind.Object && (root.TryGetProperty("data", out var d) || root.TryGetProperty("rows", out d)) && d.ValueKind == JsonValueKind.Array ? d
            : throw new DataFormatException(path, "expected a JSON array of rows, or an object with a 'data' or 'rows' array");
        return array.EnumerateArray().Select((r, i) => (i + 1, r)).ToList();
    }
}
