using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Shear.Client.Tests.BadInput;

/// <summary>
/// A temporary folder a bad-input case sets up: a copy of a fixture model to spoil, data files, mask folders; and a
/// snapshot of everything in it, to show a refused command changed nothing.
/// </summary>
internal sealed class Workspace
{
    public Workspace() => Root = Cli.NewDir();

    public string Root { get; }

    public static string Fixtures => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static string Calibration => Path.Combine(Fixtures, "calibration", "mixed.jsonl");

    /// <summary>Where a case's output would go (absent unless the case makes it).</summary>
    public string Out => P("out");

    public string P(string relative) => Path.Combine(Root, relative);

    /// <summary>A copy of the llama fixture model (made on first use) to spoil.</summary>
    public string Model
    {
        get
        {
            var dir = P("model");
            if (!Directory.Exists(dir))
            {
                Copy(Path.Combine(Fixtures, "models", "llama"), dir);
                File.Delete(Path.Combine(dir, "expected_logits.safetensors"));
            }

            return dir;
        }
    }

    /// <summary>A data folder with a copy of the repository's built-in sets (what evaluation falls back on).</summary>
    public string Data
    {
        get
        {
            var dir = P("data");
            if (!Directory.Exists(Path.Combine(dir, "builtin")))
            {
                Copy(Path.Combine(Shear.Tests.Shared.TestRepo.Root, "data", "builtin"), Path.Combine(dir, "builtin"));
            }

            return dir;
        }
    }

    public string ModelFile(string name) => Path.Combine(Model, name);

    public static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from))
        {
            File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        }

        foreach (var d in Directory.GetDirectories(from))
        {
            Copy(d, Path.Combine(to, Path.GetFileName(d)));
        }
    }

    public string Write(string relative, string text) => WriteBytes(relative, Encoding.UTF8.GetBytes(text));

    public string WriteBytes(string relative, byte[] bytes)
    {
        var path = P(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Edits a JSON file of the model (config.json, tokenizer.json) in place.</summary>
    public void EditJson(string file, Action<JsonObject> edit)
    {
        var path = ModelFile(file);
        var node = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(node);
        File.WriteAllText(path, node.ToJsonString());
    }

    public void EditConfig(Action<JsonObject> edit) => EditJson("config.json", edit);

    /// <summary>Rewrites a safetensors file with an edited header (and optionally other data bytes).</summary>
    public static void EditSafetensors(string path, Action<JsonObject> header, Func<byte[], byte[]>? data = null)
    {
        var bytes = File.ReadAllBytes(path);
        long n = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        var json = JsonNode.Parse(Encoding.UTF8.GetString(bytes, 8, (int)n))!.AsObject();
        header(json);
        var rest = bytes[(8 + (int)n)..];
        rest = data?.Invoke(rest) ?? rest;
        WriteSafetensors(path, json.ToJsonString(), rest);
    }

    public static void WriteSafetensors(string path, string header, byte[] data)
    {
        var text = Encoding.UTF8.GetBytes(header);
        var padded = new byte[(text.Length + 7) / 8 * 8];
        Array.Fill(padded, (byte)' ');
        text.CopyTo(padded, 0);
        using var file = File.Create(path);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(length, padded.Length);
        file.Write(length);
        file.Write(padded);
        file.Write(data);
    }

    public void EditWeights(Action<JsonObject> header, Func<byte[], byte[]>? data = null) => EditSafetensors(ModelFile("model.safetensors"), header, data);

    /// <summary>Every file and folder under the root with its length and content hash.</summary>
    public SortedDictionary<string, string> Snapshot()
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var d in Directory.GetDirectories(Root, "*", SearchOption.AllDirectories))
        {
            result[Path.GetRelativePath(Root, d) + "/"] = "dir";
        }

        foreach (var f in Directory.GetFiles(Root, "*", SearchOption.AllDirectories))
        {
            var info = new FileInfo(f);
            result[Path.GetRelativePath(Root, f)] = info.Length > (8 << 20)
                ? $"{info.Length} {info.LastWriteTimeUtc.Ticks}"
                : $"{info.Length} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))}";
        }

        return result;
    }
}
