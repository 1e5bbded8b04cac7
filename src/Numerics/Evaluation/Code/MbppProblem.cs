using System.Text.Json;
using Shear.Numerics.Data;
using Shear.Numerics.Data.Registry;

namespace Shear.Numerics.Evaluation.Code;

/// <summary>
/// An MBPP problem (<c>mbpp.jsonl</c> or the Hub's <c>full</c> config: task_id, text, code, test_list, test_setup_code;
/// the <c>sanitized</c> config's prompt and test_imports are read as text and setup code) with the thesis's zero-shot
/// chat prompt, DeepSeek's 3-shot <c>[BEGIN]...[DONE]</c> prompt, the thesis's code extraction rules (ANCHORS §2.8),
/// and the check program.
/// </summary>
/// <param name="TaskId">1..974; the test split is 11..510.</param>
/// <param name="Text">The task description.</param>
/// <param name="Code">The reference solution.</param>
/// <param name="Tests">The three assert lines.</param>
/// <param name="SetupCode">test_setup_code.</param>
public sealed record MbppProblem(int TaskId, string Text, string Code, IReadOnlyList<string> Tests, string SetupCode)
{
    /// <summary>The thesis's system message.</summary>
    public const string System = "You are an expert Python programmer, don't explain anything, just write the code.";

    /// <summary>Whether the problem is in the test split (task ids 11 to 510).</summary>
    public bool IsTest => TaskId is >= 11 and <= 510;

    /// <summary>Loads mbpp.jsonl.</summary>
    /// <exception cref="DataFormatException">A row without a field (named with its line).</exception>
    public static List<MbppProblem> Load(string path)
    {
        var problems = new List<MbppProblem>();
        foreach (var (line, row) in RowReader.Read(path))
        {
            try
            {
                var tests = row.TryGetProperty("test_list", out var t) && t.ValueKind == JsonValueKind.Array
                    ? t.EnumerateArray().Select(x => x.GetString()!).ToList() : throw new KeyNotFoundException("missing field 'test_list'");
                int id = row.TryGetProperty("task_id", out var i) && i.ValueKind == JsonValueKind.Number ? i.GetInt32() : throw new KeyNotFoundException("missing field 'task_id'");
                // The Hub's sanitized config names the description "prompt" and lists imports instead of setup code.
                var text = Templates.StrOrNull(row, "text") ?? Templates.Str(row, "prompt");
                var setup = Templates.StrOrNull(row, "test_setup_code")
                    ?? (row.TryGetProperty("test_imports", out var imports) && imports.ValueKind == JsonValueKind.Array ? string.Join("\n", imports.EnumerateArray().Select(x => x.GetString())) : "");
                problems.Add(new MbppProblem(id, text, Templates.Str(row, "code"), tests, setup));
            }
            catch (KeyNotFoundException e)
            {
                throw new DataFormatException(path, $"line {line}: {e.Message}");
            }
        }

        return problems;
    }

    /// <summary>The thesis's zero-shot prompt, formatted for the model family (gemma, llama3, or [INST] otherwise).</summary>
    public string ChatPrompt(string family)
    {
        var user = $"This is your task: {Text}\nYour code should pass these tests:\n\n{string.Join("\n", Tests)}";
        return family switch
        {
            "gemma" => $"<start_of_turn>user\n{System}\n{user}\n<end_of_turn>\n<start_of_turn>model\n",
            "llama3" => $"{System}\n{user}",
            _ => $"[INST]\n{System}\n{user}\n[/INST]\n",
        };
    }

    /// <summary>DeepSeek's 3-shot prompt: the given examples (task ids 2, 3, 4) with their code, then this task up to <c>[BEGIN]</c>.</summary>
    public string FewShotPrompt(IReadOnlyList<MbppProblem> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        string Head(MbppProblem p) => $"You are an expert Python programmer, and here is your task: {p.Text} Your code should pass these tests:\n\n{string.Join("\n", p.Tests)}\n";
        var shots = examples.Select(e => $"{Head(e)}[BEGIN]\n{e.Code.Replace("\r", "", StringComparison.Ordinal).Replace("\t", "    ", StringComparison.Ordinal)}\n[DONE]\n");
        return string.Concat(shots) + Head(this) + "[BEGIN]";
    }

    /// <summary>The program that checks a solution: DeepSeek's imports, setup code, the solution, then the asserts.</summary>
    public string Program(string solution) =>
        $"{string.Join("\n", HumanEvalProblem.ImportHelper)}\n{SetupCode}\n{solution}\n{string.Join("\n", Tests)}\n";

    /// <summary>
    /// The thesis's extraction, first rule that matches: a ```python block; [PY]..[/PY]; [PYTHON]..[/PYTHON];
    /// [PYTHON]..[DONE]; [SOL]..[/SOL]; the first ``` block; [BEGIN]..[DONE]; else the text after [/INST].
    /// </summary>
    public static string Extract(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        (string Open, string Close)[] rules =
        [
            ("```python", "```"), ("[PY]", "[/PY]"), ("[PYTHON]", "[/PYTHON]"), ("[PYTHON]", "[DONE]"), ("[SOL]", "[/SOL]"), ("```", "```"), ("[BEGIN]", "[DONE]"),
        ];
        foreach (var (open, close) in rules)
        {
            int start = text.IndexOf(open, StringComparison.Ordinal);
            if (start < 0)
            {
                continue;
            }

            start += open.Length;
            int end = text.IndexOf(close, start, StringComparison.Ordinal);
            if (end >= 0)
            {
                return text[start..end].Trim('\n');
            }
        }

        int inst = text.IndexOf("[/INST]", StringComparison.Ordinal);
        return inst >= 0 ? text[(inst + "[/INST]".Length)..].Trim('\n') : text;
    }
}
