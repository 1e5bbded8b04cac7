using System.Text.RegularExpressions;

namespace Shear.Numerics.Data.Builtin;

/// <summary>
/// Code corpora from the Python standard library on this machine: whole files as github_python-like records
/// (<c>content</c>), and documented functions as python_alpaca-like instruction/output pairs.
/// </summary>
public static partial class CodeCorpus
{
    private const string AlpacaHeader = "Below is an instruction that describes a task. Write a response that appropriately completes the request.";

    /// <summary>The first Python standard-library folder found on this machine, or null.</summary>
    public static string? FindStdlib() =>
        new[] { "/usr/lib/python3.11", "/usr/lib/python3.12", "/usr/lib/python3.13", "/usr/lib/python3" }.FirstOrDefault(d => File.Exists(Path.Combine(d, "os.py")));

    /// <summary>Top-level .py files of the stdlib (sorted), each at most <paramref name="maxFileBytes"/>, up to <paramref name="maxTotalBytes"/>.</summary>
    public static List<(string Path, string Content)> Files(string stdlib, int maxFileBytes = 40_000, long maxTotalBytes = 1_500_000)
    {
        var files = new List<(string, string)>();
        long total = 0;
        foreach (var path in Directory.GetFiles(stdlib, "*.py").Order(StringComparer.Ordinal))
        {
            var text = File.ReadAllText(path);
            if (text.Length > maxFileBytes || text.Trim().Length == 0)
            {
                continue;
            }

            if (total + text.Length > maxTotalBytes)
            {
                break;
            }

            files.Add(($"Lib/{Path.GetFileName(path)}", text));
            total += text.Length;
        }

        return files;
    }

    /// <summary>github_python-like records.</summary>
    public static IEnumerable<object> GithubPython(IEnumerable<(string Path, string Content)> files) =>
        files.Select(f => new { repo_name = "python/cpython", path = f.Path, content = f.Content, license = "PSF-2.0", size = f.Content.Length });

    /// <summary>python_alpaca-like records: a function's docstring as the instruction, the function as the output.</summary>
    public static IEnumerable<object> PythonAlpaca(IEnumerable<(string Path, string Content)> files)
    {
        foreach (var (_, content) in files)
        {
            foreach (Match m in FunctionPattern().Matches(content))
            {
                var body = FunctionBody(content, m.Index);
                var doc = m.Groups["doc"].Value.Trim().Split("\n")[0].Trim();
                if (doc.Length < 15 || body.Length > 1500 || m.Groups["name"].Value.StartsWith('_'))
                {
                    continue;
                }

                var instruction = $"Write a Python function `{m.Groups["name"].Value}` that does the following: {doc}";
                yield return new
                {
                    instruction,
                    input = "",
                    output = body,
                    prompt = $"{AlpacaHeader}\n\n### Instruction:\n{instruction}\n\n### Input:\n\n\n### Output:\n{body}",
                };
            }
        }
    }

    private static string FunctionBody(string content, int start)
    {
        var lines = content[start..].Split('\n');
        int indent = lines[0].Length - lines[0].TrimStart().Length;
        int end = 1;
        while (end < lines.Length && (lines[end].Trim().Length == 0 || lines[end].Length - lines[end].TrimStart().Length > indent))
        {
            end++;
        }

        return string.Join("\n", lines[..end]).TrimEnd();
    }

    [GeneratedRegex("^(?<indent> {0,4})def (?<name>\\w+)\\([^)]*\\)[^:]*:\\n\\s+(?:\"\"\"|''')(?<doc>[^\"']{10,400}?)(?:\"\"\"|''')", RegexOptions.Multiline)]
    private static partial Regex FunctionPattern();
}
