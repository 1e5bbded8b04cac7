using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Parquet.Serialization;

namespace Shear.Numerics.Tests.Data;

/// <summary>
/// Rows with the Hub's column names and nesting (each dataset's card), written either flat (JSON Lines, as Shear has
/// always read them) or as <c>huggingface-cli download --local-dir</c> leaves the repository: config folders of
/// <c>SPLIT-0000K-of-0000N.parquet</c> shards beside README.md, .gitattributes and the .cache folder.
/// </summary>
internal static class HubRows
{
    public static void Parquet<T>(string path, IList<T> rows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = File.Create(path);
        ParquetSerializer.SerializeAsync(rows, file).GetAwaiter().GetResult();
    }

    public static void Jsonl<T>(string path, IEnumerable<T> rows, bool gzip = false)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var text = string.Concat(rows.Select(r => JsonSerializer.Serialize(r) + "\n"));
        if (!gzip)
        {
            File.WriteAllText(path, text);
            return;
        }

        using var file = File.Create(path);
        using var zip = new GZipStream(file, CompressionLevel.Fastest);
        zip.Write(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>What a Hub download leaves beside the data: a card, .gitattributes and the download cache.</summary>
    public static void RepositoryFiles(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, ".cache", "huggingface", "download"));
        File.WriteAllText(Path.Combine(root, "README.md"), "---\nconfigs:\n- config_name: main\n---\n# card\n");
        File.WriteAllText(Path.Combine(root, ".gitattributes"), "*.parquet filter=lfs diff=lfs merge=lfs -text\n");
        File.WriteAllText(Path.Combine(root, ".cache", "huggingface", "download", "train.json.metadata"), "{\"etag\": \"x\"}\n");
    }

    public static List<string> Words(int n, int seed) =>
        Enumerable.Range(0, n).Select(i => $"word{(i * 7 + seed) % 13} thing{(i + seed) % 5} and more{i % 3}").ToList();
}

#pragma warning disable IDE1006, SA1300 // Property names are the datasets' column names.
internal sealed class Gsm8kRow
{
    public string? question { get; set; }

    public string? answer { get; set; }
}

internal sealed class ChoicesStruct
{
    public List<string>? text { get; set; }

    public List<string>? label { get; set; }
}

internal sealed class ArcRow
{
    public string? id { get; set; }

    public string? question { get; set; }

    public ChoicesStruct? choices { get; set; }

    public string? answerKey { get; set; }
}

internal sealed class OpenBookQaRow
{
    public string? id { get; set; }

    public string? question_stem { get; set; }

    public ChoicesStruct? choices { get; set; }

    public string? answerKey { get; set; }
}

internal sealed class WinograndeRow
{
    public string? sentence { get; set; }

    public string? option1 { get; set; }

    public string? option2 { get; set; }

    public string? answer { get; set; }
}

internal sealed class HellaSwagRow
{
    public long ind { get; set; }

    public string? activity_label { get; set; }

    public string? ctx_a { get; set; }

    public string? ctx_b { get; set; }

    public string? ctx { get; set; }

    public List<string>? endings { get; set; }

    public string? source_id { get; set; }

    public string? split { get; set; }

    public string? split_type { get; set; }

    public string? label { get; set; }
}

internal sealed class BoolQRow
{
    public string? question { get; set; }

    public bool answer { get; set; }

    public string? passage { get; set; }
}

internal sealed class SuperGlueBoolQRow
{
    public string? question { get; set; }

    public string? passage { get; set; }

    public int idx { get; set; }

    public long label { get; set; }
}

internal sealed class EnFr
{
    public string? en { get; set; }

    public string? fr { get; set; }
}

internal sealed class TranslationRow
{
    public string? id { get; set; }

    public EnFr? translation { get; set; }
}

internal sealed class TextRow
{
    public string? text { get; set; }
}

internal sealed class C4Row
{
    public string? text { get; set; }

    public string? timestamp { get; set; }

    public string? url { get; set; }
}

internal sealed class MbppRow
{
    public int task_id { get; set; }

    public string? text { get; set; }

    public string? code { get; set; }

    public List<string>? test_list { get; set; }

    public string? test_setup_code { get; set; }

    public List<string>? challenge_test_list { get; set; }
}

internal sealed class HumanEvalRow
{
    public string? task_id { get; set; }

    public string? prompt { get; set; }

    public string? canonical_solution { get; set; }

    public string? test { get; set; }

    public string? entry_point { get; set; }
}
#pragma warning restore IDE1006, SA1300
