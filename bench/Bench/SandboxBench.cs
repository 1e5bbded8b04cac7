using System.Diagnostics;
using System.Globalization;
using Shear.Numerics.Evaluation.Code;

namespace Shear.Bench;

/// <summary>
/// The built-in code benchmark's canonical programs through the sandbox, one at a time, against the floor of a bare
/// <c>python3 -I</c> process per program in the same run (Python's start-up is most of a run).
/// </summary>
internal static class SandboxBench
{
    public static int Run(string data)
    {
        var problems = HumanEvalProblem.Load(Path.Combine(data, "builtin_humaneval", "test.jsonl"));
        var programs = problems.Select(p => CodeTask.Of(p).ProgramOf("\n" + p.CanonicalSolution)).ToList();
        programs = [.. programs, .. programs, .. programs];
        var sandbox = new PythonSandbox(TimeSpan.FromSeconds(10));
        var clock = Stopwatch.StartNew();
        int passed = programs.Count(p => sandbox.Run(p).Outcome == SandboxOutcome.Passed);
        double isolated = programs.Count / clock.Elapsed.TotalSeconds;
        var dir = Directory.CreateTempSubdirectory("shear-sandbox-bench-").FullName;
        clock.Restart();
        int bare = 0;
        foreach (var program in programs)
        {
            var file = Path.Combine(dir, "p.py");
            File.WriteAllText(file, program);
            using var p = Process.Start(new ProcessStartInfo(PythonSandbox.Python, ["-I", "-B", file]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            p.WaitForExit();
            bare += p.ExitCode == 0 ? 1 : 0;
        }

        double floor = programs.Count / clock.Elapsed.TotalSeconds;
        Directory.Delete(dir, recursive: true);
        Console.WriteLine($"sandbox: {sandbox.Isolation}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{programs.Count} canonical programs one at a time: sandbox {isolated:F1} programs/s ({passed} passed); bare python3 -I {floor:F1} programs/s ({bare} passed); ratio {isolated / floor:F2}"));
        return 0;
    }
}
