using Shear.Numerics.Checkpoints;
using static TorchSharp.torch;

namespace Shear.Numerics.Tests;

/// <summary>Paths and expected values of the committed reference fixtures (made by tests/reference/*.py).</summary>
internal static class Fixtures
{
    public static readonly string[] Families = ["llama", "mistral", "qwen2", "gemma", "qwen3", "gemma2", "gemma3_text", "phi3", "mixtral", "qwen3_moe", "gemma3"];

    public static string Root => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static string Model(string family) => Path.Combine(Root, "models", family);

    /// <summary>The reference token sequences and logits of one family's fixture.</summary>
    public static List<(long[] Ids, Tensor Logits)> Expected(string family)
    {
        using var file = SafetensorsFile.Open(Path.Combine(Model(family), "expected_logits.safetensors"));
        var result = new List<(long[], Tensor)>();
        for (int n = 0; file.Contains($"ids.{n}"); n++)
        {
            using var ids = file.Read($"ids.{n}");
            result.Add((ids.data<long>().ToArray(), file.Read($"logits.{n}")));
        }

        return result;
    }

    private static readonly Lazy<bool> Numpy = new(() => Shear.Numerics.Evaluation.Code.PythonSandbox.WhyUnavailable is null &&
        new Shear.Numerics.Evaluation.Code.PythonSandbox(TimeSpan.FromSeconds(20)).Run("import numpy\n").Outcome == Shear.Numerics.Evaluation.Code.SandboxOutcome.Passed);

    /// <summary>
    /// A code sandbox for a test; skips the test, naming the package, where bubblewrap cannot isolate code here (CI
    /// installs it and fails on any skipped test).
    /// </summary>
    public static Shear.Numerics.Evaluation.Code.PythonSandbox Sandbox(TimeSpan timeout, long memoryBytes = 1L << 30)
    {
        RequireSandbox();
        return new Shear.Numerics.Evaluation.Code.PythonSandbox(timeout, memoryBytes);
    }

    /// <summary>Skips the test, naming the package, where bubblewrap cannot isolate generated code here.</summary>
    public static void RequireSandbox()
    {
        var why = Shear.Numerics.Evaluation.Code.PythonSandbox.WhyUnavailable;
        Assert.SkipWhen(why is not null, $"{why}: sudo apt-get install bubblewrap (.ci/run installs it)");
    }

    /// <summary>Whether the sandbox's python3 has numpy (DeepSeek's import header needs it; .ci/run installs python3-numpy).</summary>
    public static bool SandboxHasNumpy => Numpy.Value;

    /// <summary>A fresh empty folder under the system temp folder.</summary>
    public static string TempDir()
    {
        var dir = Shear.Tests.Shared.TestTemp.NewDir("shear-tests");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Largest absolute elementwise difference.</summary>
    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return (a.to_type(ScalarType.Float64) - b.to_type(ScalarType.Float64)).abs().max().item<double>();
    }
}
