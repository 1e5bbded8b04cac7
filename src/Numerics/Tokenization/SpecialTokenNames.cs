using System.Text.Json;

namespace Shear.Numerics.Tokenization;

/// <summary>BOS/EOS/PAD token names and add_bos/add_eos flags from tokenizer_config.json / special_tokens_map.json.</summary>
internal sealed record SpecialTokenNames(string? Bos, string? Eos, string? Pad, bool AddBos, bool AddEos)
{
    public static SpecialTokenNames Read(string directory)
    {
        string? bos = null, eos = null, pad = null;
        bool addBos = false, addEos = false;
        foreach (var file in new[] { "special_tokens_map.json", "tokenizer_config.json" })
        {
            var path = Path.Combine(directory, file);
            if (!File.Exists(path))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            bos = Name(root, "bos_token") ?? bos;
            eos = Name(root, "eos_token") ?? eos;
            pad = Name(root, "pad_token") ?? pad;
            addBos = root.TryGetProperty("add_bos_token", out var ab) ? ab.ValueKind == JsonValueKind.True : addBos;
            addEos = root.TryGetProperty("add_eos_token", out var ae) ? ae.ValueKind == JsonValueKind.True : addEos;
        }

        return new SpecialTokenNames(bos, eos, pad, addBos, addEos);
    }

    private static string? Name(JsonElement root, string key)
    {
        if (!root.TryGetProperty(key, out var v))
        {
            return null;
        }

        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Object when v.TryGetProperty("content", out var c) => c.GetString(),
            _ => null,
        };
    }
}
