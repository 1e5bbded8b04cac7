using System.Text.Json;
using Shear.Numerics.Data.Registry;

namespace Shear.Numerics.Data;

/// <summary>
/// Plain calibration documents from a file: <c>.jsonl</c> (one JSON object per line; its <c>text</c> field, else
/// <c>content</c>) or plain text (documents separated by blank lines).
/// </summary>
public static class TextDocuments
{
    private static readonly string[] TextFields = ["text", "content"];

    /// <summary>Reads the documents; empty ones are dropped.</summary>
    /// <exception cref="DataFormatException">Missing file, malformed line (named by number), or no usable text.</exception>
    public static IReadOnlyList<string> Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new DataFormatException(path, "file not found");
        }

        var docs = path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) ? ReadJsonl(path) : ReadParagraphs(path);
        if (docs.Count == 0)
        {
            throw new DataFormatException(path, "no usable text (every document is empty)");
        }

        return docs;
    }

    private static List<string> ReadJsonl(string path)
    {
        var docs = new List<string>();
        foreach (var (line, row) in RowReader.Read(path))
        {
            if (row.ValueKind != JsonValueKind.Object)
            {
                throw new DataFormatException(path, $"line {line}: expected a JSON object");
            }

            var field = TextFields.FirstOrDefault(f => row.TryGetProperty(f, out var v) && v.ValueKind == JsonValueKind.String)
                ?? throw new DataFormatException(path, $"line {line}: no string field '{string.Join("' or '", TextFields)}'");
            var text = row.GetProperty(field).GetString()!;
            if (text.Trim().Length > 0)
            {
                docs.Add(text);
            }
        }

        return docs;
    }

    private static List<string> ReadParagraphs(string path)
    {
        string text;
        try
        {
            text = IO.TextLimits.ReadAll(path).ReplaceLineEndings("\n");
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, e.Message);
        }

        var paragraphs = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(p => p.Trim('\n')).Where(p => p.Trim().Length > 0).ToList();
        if (paragraphs.FirstOrDefault(p => p.Length > IO.TextLimits.MaxLineChars) is { } huge)
        {
            throw new DataFormatException(path, $"a document of {huge.Length} characters (at most {IO.TextLimits.MaxLineChars}); documents are separated by blank lines");
        }

        return paragraphs;
    }
}
