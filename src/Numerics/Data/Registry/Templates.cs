using System.Text.Json;

namespace Shear.Numerics.Data.Registry;

/// <summary>The thesis's calibration text per dataset (ANCHORS §2.3), exactly, over the real files' fields (§5).</summary>
public static class Templates
{
    /// <summary>A string field; <see cref="KeyNotFoundException"/> names it when absent.</summary>
    public static string Str(JsonElement row, string field) =>
        row.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()!
            : throw new KeyNotFoundException($"missing field '{field}'");

    /// <summary>A string field, or null when absent or not a string (rows the thesis redraws).</summary>
    public static string? StrOrNull(JsonElement row, string field) =>
        row.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>An object field; <see cref="KeyNotFoundException"/> names it when absent.</summary>
    public static JsonElement Obj(JsonElement row, string field) =>
        row.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Object ? v : throw new KeyNotFoundException($"missing field '{field}'");

    private static List<string> StrList(JsonElement row, string field) =>
        row.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(x => x.GetString() ?? "").ToList()
            : throw new KeyNotFoundException($"missing field '{field}'");

    /// <summary>openbookqa: <c>[INST]\nChoose the right option: STEM#Choices: A: x, B: y\n[/INST]\n</c> (no answer).</summary>
    public static string OpenBookQa(JsonElement r)
    {
        var c = Obj(r, "choices");
        var options = StrList(c, "label").Zip(StrList(c, "text"), (l, t) => $"{l}: {t}");
        return $"[INST]\nChoose the right option: {Str(r, "question_stem")}#Choices: {string.Join(", ", options)}\n[/INST]\n";
    }

    /// <summary>hellaswag: <c>[INST]\nChoose the most appropriate ending: CTX###Options: 1: e1 2: e2 ...\n[/INST]n</c> (the literal n is the thesis's).</summary>
    public static string HellaSwag(JsonElement r)
    {
        var endings = StrList(r, "endings").Select((e, k) => $"{k + 1}: {e}");
        return $"[INST]\nChoose the most appropriate ending: {Str(r, "ctx")}###Options: {string.Join(" ", endings)}\n[/INST]n";
    }

    /// <summary>commonsenseqa: <c>[INST]\nChoose the right option related to the following sentence. Q A: x, B: y\n[/INST]\n</c>.</summary>
    public static string CommonsenseQa(JsonElement r)
    {
        var c = Obj(r, "choices");
        var options = StrList(c, "label").Zip(StrList(c, "text"), (l, t) => $"{l}: {t}");
        return $"[INST]\nChoose the right option related to the following sentence. {Str(r, "question")} {string.Join(", ", options)}\n[/INST]\n";
    }

    /// <summary>wmt14 / opus_books: <c>#Text: EN #Translation: FR</c>; null unless both sides are strings.</summary>
    public static string? Translation(JsonElement r)
    {
        var t = Obj(r, "translation");
        var (en, fr) = (StrOrNull(t, "en"), StrOrNull(t, "fr"));
        return en is null || fr is null ? null : $"#Text: {en} #Translation: {fr}";
    }

    /// <summary>song_translation: <c>#Text: ORIGINAL #Translation: FRENCH</c>; null unless both are strings.</summary>
    public static string? Song(JsonElement r)
    {
        var (o, f) = (StrOrNull(r, "original_version"), StrOrNull(r, "french_version"));
        return o is null || f is null ? null : $"#Text: {o} #Translation: {f}";
    }

    /// <summary>Two fields joined by a newline (MetaMathQA, MathInstruct, orca-math, GSM8K-like).</summary>
    public static Func<JsonElement, string?> Lines(string first, string second) => r => $"{Str(r, first)}\n{Str(r, second)}";

    /// <summary>One field as is.</summary>
    public static Func<JsonElement, string?> Field(string name) => r => Str(r, name);
}
