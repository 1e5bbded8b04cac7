using System.Globalization;
using System.Text.Json;
using Shear.Numerics.Evaluation;
using Shear.Numerics.Evaluation.Code;
using Shear.Numerics.IO;
using Spectre.Console;

namespace Shear.Client.Commands;

/// <summary><c>shear eval --code-samples FILE.jsonl</c>: judge completions made elsewhere in the sandbox, without a model.</summary>
internal static class CompletionsCommand
{
    public static int Run(TextWriter stdout, string file, string? benchmark, string dataDir, string? output, bool allowUnisolated)
    {
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"--code-samples {file}: neither a count nor an existing samples file");
        }

        var name = benchmark ?? (EvalBenchmarks.All.First(b => b.Name == "humaneval").Files(dataDir).Count > 0 ? "humaneval" : "builtin_humaneval");
        var path = output ?? file + ".results.json";
        Numerics.IO.AtomicFile.CheckTarget(path, "--out");

        var sandbox = new PythonSandbox(new EvalOptions().SandboxTimeout, allowUnisolated: allowUnisolated); // the eval's one default
        stdout.WriteLine($"sandbox: {sandbox.Isolation}");
        CompletionsReport report;
        if (ConsoleMode.IsInteractive(stdout))
        {
            report = null!;
            AnsiConsole.Progress().Start(ctx =>
            {
                var task = ctx.AddTask($"{name} completions");
                report = CompletionsEvaluation.Run(file, name, dataDir, sandbox, (done, total) =>
                {
                    task.MaxValue = total;
                    task.Value = done;
                });
            });
        }
        else
        {
            report = CompletionsEvaluation.Run(file, name, dataDir, sandbox);
        }

        stdout.WriteLine($"{name}: {report.Tasks.Count} tasks, {report.Tasks.Sum(t => t.Samples)} completions, {report.Tasks.Sum(t => t.Passed)} passed" +
            (report.Missing.Count > 0 ? $"; {report.Missing.Count} tasks of the benchmark had no completion" : ""));
        foreach (var (k, v) in report.PassAtK)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{k} {v:F4}"));
        }

        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(report, JsonOptions.Indented));
        stdout.WriteLine($"wrote {Path.GetFullPath(path)}");
        return 0;
    }
}
