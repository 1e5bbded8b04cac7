using System.Text.Json;
using Shear.Numerics.Data.Registry;

namespace Shear.Numerics.Data.Builtin;

/// <summary>
/// The built-in sets and the text each record becomes for language-model training: the thesis's calibration
/// templates (ANCHORS §2.3) completed with the answer where the set has one, so the model learns the formats that
/// calibration and evaluation use.
/// </summary>
public static class BuiltinDatasets
{
    /// <summary>Set name -> the built-in domain it stands for.</summary>
    public static readonly IReadOnlyDictionary<string, string> Domains = new Dictionary<string, string>
    {
        ["builtin_code"] = "code",
        ["builtin_python_alpaca"] = "code",
        ["builtin_translation"] = "translation",
        ["builtin_commonsense"] = "commonsense",
        ["builtin_math"] = "math",
        ["builtin_text"] = "text",
    };

    /// <summary>All texts of one split per domain (the sets of a domain in registry order), e.g. the held-out test texts.</summary>
    public static Dictionary<string, List<string>> TextsByDomain(string directory, string split) => Domains
        .GroupBy(p => p.Value)
        .ToDictionary(g => g.Key, g => g.SelectMany(p => Texts(directory, p.Key, split)).ToList());

    /// <summary>Training texts of one set and split (<c>train</c> or <c>test</c>).</summary>
    /// <exception cref="DataFormatException">Missing file or a record without the set's fields (named by line).</exception>
    public static List<string> Texts(string directory, string name, string split)
    {
        var path = Path.Combine(directory, name, $"{split}.jsonl");
        if (!File.Exists(path))
        {
            throw new DataFormatException(path, $"built-in set '{name}' not found (run: shear data build-builtin --out {directory})");
        }

        var texts = new List<string>();
        foreach (var (line, row) in RowReader.Read(path))
        {
            try
            {
                texts.Add(Text(name, row));
            }
            catch (KeyNotFoundException e)
            {
                throw new DataFormatException(path, $"line {line}: {e.Message}");
            }
        }

        return texts;
    }

    private static string Field(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.GetString() ?? "" : throw new KeyNotFoundException($"missing field '{name}'");

    private static string Text(string name, JsonElement r) => name switch
    {
        "builtin_code" => Field(r, "content"),
        "builtin_python_alpaca" => Field(r, "prompt"),
        "builtin_translation" => $"#Text: {Field(r.GetProperty("translation"), "en")} #Translation: {Field(r.GetProperty("translation"), "fr")}",
        "builtin_commonsense" => $"{Field(r, "question_stem")} {Answer(r)}",
        "builtin_math" => $"Question: {Field(r, "question")}\nAnswer: {Field(r, "answer")}",
        "builtin_text" => Field(r, "text"),
        _ => throw new DataFormatException(name, $"unknown built-in set (known: {string.Join(", ", Domains.Keys)})"),
    };

    private static string Answer(JsonElement r)
    {
        var key = Field(r, "answerKey");
        var choices = r.GetProperty("choices");
        var labels = choices.GetProperty("label").EnumerateArray().Select(x => x.GetString()).ToList();
        return choices.GetProperty("text")[labels.IndexOf(key)].GetString()!;
    }
}
