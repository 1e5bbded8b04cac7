using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Shear.Numerics.Data;
using Shear.Numerics.Data.Registry;
using static Shear.Numerics.Data.Registry.Templates;

namespace Shear.Numerics.Evaluation.Choice;

/// <summary>
/// lm-eval's zero-shot commonsense tasks at df3da98 (ANCHORS §4.3): ARC, OpenBookQA, HellaSwag (with its
/// preprocessing), BoolQ (yes/no) and Winogrande (partial evaluation), from their standard row formats.
/// </summary>
public static partial class CommonsenseTasks
{
    /// <summary>The task names.</summary>
    public static readonly IReadOnlyList<string> Names = ["arc_easy", "arc_challenge", "openbookqa", "hellaswag", "boolq", "winogrande"];

    /// <summary>The items of <paramref name="task"/> read from <paramref name="path"/>.</summary>
    /// <exception cref="DataFormatException">Unknown task, or a row without a needed field (named with its line).</exception>
    public static List<ChoiceItem> Load(string task, string path)
    {
        Func<JsonElement, ChoiceItem> build = task switch
        {
            "arc_easy" or "arc_challenge" => Arc,
            "openbookqa" => OpenBookQa,
            "hellaswag" => HellaSwag,
            "boolq" => BoolQ,
            "winogrande" => Winogrande,
            _ => throw new DataFormatException(task, $"unknown task (known: {string.Join(", ", Names)})"),
        };
        var items = new List<ChoiceItem>();
        foreach (var (line, row) in RowReader.Read(path))
        {
            try
            {
                items.Add(build(row));
            }
            catch (Exception e) when (e is KeyNotFoundException or FormatException or InvalidOperationException)
            {
                throw new DataFormatException(path, $"line {line}: {task}: {e.Message}");
            }
        }

        return items;
    }

    private static (List<string> Labels, List<string> Texts) Choices(JsonElement r)
    {
        var c = r.TryGetProperty("choices", out var v) ? v : throw new KeyNotFoundException("missing field 'choices'");
        return (c.GetProperty("label").EnumerateArray().Select(x => x.GetString()!).ToList(), c.GetProperty("text").EnumerateArray().Select(x => x.GetString()!).ToList());
    }

    /// <summary>ARC: "Question: Q\nAnswer:", gold = index of answerKey (numeric keys 1-5 read as A-E).</summary>
    public static ChoiceItem Arc(JsonElement r)
    {
        var (labels, texts) = Choices(r);
        var key = Str(r, "answerKey");
        var map = new Dictionary<string, string> { ["1"] = "A", ["2"] = "B", ["3"] = "C", ["4"] = "D", ["5"] = "E" };
        key = map.GetValueOrDefault(key, key);
        var normalized = labels.Select(l => map.GetValueOrDefault(l, l)).ToList();
        return ChoiceItem.Of($"Question: {Str(r, "question")}\nAnswer:", texts, Index(normalized, key));
    }

    /// <summary>OpenBookQA: the bare question stem; gold = index of answerKey.</summary>
    public static ChoiceItem OpenBookQa(JsonElement r)
    {
        var (labels, texts) = Choices(r);
        return ChoiceItem.Of(Str(r, "question_stem"), texts, Index(labels, Str(r, "answerKey").Trim()));
    }

    /// <summary>HellaSwag: preprocess(activity_label + ": " + ctx_a + " " + capitalize(ctx_b)), preprocessed endings, gold = int(label).</summary>
    public static ChoiceItem HellaSwag(JsonElement r)
    {
        var ctxB = Str(r, "ctx_b");
        var ctx = Str(r, "ctx_a") + " " + (ctxB.Length == 0 ? ctxB : char.ToUpperInvariant(ctxB[0]) + ctxB[1..].ToLowerInvariant());
        var endings = r.GetProperty("endings").EnumerateArray().Select(e => Preprocess(e.GetString()!)).ToList();
        return ChoiceItem.Of(Preprocess(Str(r, "activity_label") + ": " + ctx), endings, int.Parse(Label(r), CultureInfo.InvariantCulture));
    }

    /// <summary>BoolQ: "PASSAGE\nQuestion: Q?\nAnswer:" scored with " yes" and " no"; gold 0 (yes) when the label is true.</summary>
    public static ChoiceItem BoolQ(JsonElement r)
    {
        var context = $"{Str(r, "passage")}\nQuestion: {Str(r, "question")}?\nAnswer:";
        bool yes = r.TryGetProperty("label", out var l) ? (l.ValueKind == JsonValueKind.Number ? l.GetInt32() == 1 : l.GetBoolean())
            : r.TryGetProperty("answer", out var a) ? a.GetBoolean() : throw new KeyNotFoundException("missing field 'label' (or 'answer')");
        return new ChoiceItem([(context, " yes"), (context, " no")], yes ? 0 : 1, null);
    }

    /// <summary>Winogrande, partial evaluation: context = sentence up to '_' + option; the same continuation (the rest) for both.</summary>
    public static ChoiceItem Winogrande(JsonElement r)
    {
        var sentence = Str(r, "sentence");
        int blank = sentence.IndexOf('_', StringComparison.Ordinal);
        if (blank < 0)
        {
            throw new FormatException("sentence has no '_'");
        }

        var continuation = " " + sentence[(blank + 1)..].Trim();
        var requests = new[] { Str(r, "option1"), Str(r, "option2") }.Select(o => (sentence[..blank] + o, continuation)).ToList();
        return new ChoiceItem(requests, Str(r, "answer") == "1" ? 0 : 1, null);
    }

    /// <summary>HellaSwag's preprocess: strip, " [title]" to ". ", drop every [...], collapse double spaces.</summary>
    public static string Preprocess(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim().Replace(" [title]", ". ", StringComparison.Ordinal);
        text = Brackets().Replace(text, "");
        return text.Replace("  ", " ", StringComparison.Ordinal);
    }

    private static string Label(JsonElement r) =>
        r.TryGetProperty("label", out var l) ? (l.ValueKind == JsonValueKind.Number ? l.GetInt32().ToString(CultureInfo.InvariantCulture) : l.GetString()!)
            : throw new KeyNotFoundException("missing field 'label'");

    private static int Index(List<string> labels, string key)
    {
        int i = labels.IndexOf(key);
        return i >= 0 ? i : throw new FormatException($"answerKey '{key}' is not among the labels {string.Join(",", labels)}");
    }

    [GeneratedRegex(@"\[.*?\]")]
    private static partial Regex Brackets();
}
