namespace Shear.Client.Tests;

public sealed class EvalCommandTests
{
    private static string Model => Path.Combine(AppContext.BaseDirectory, "Fixtures", "models", "llama");

    private static (int Code, string Out, string Err) Shear(params string[] args) => Cli.Shear(args);

    public static TheoryData<string[], string> BadInputs() => new()
    {
        { ["--domains", "foo"], "error: unknown domain 'foo' (known: code, csr, translation, math, ppl)" },
        { ["--domains", "csr", "--limit", "0"], "error: --limit 0 is out of range (1 to 2147483647)" },
        { ["--meteor-order", "backwards"], "error: --meteor-order backwards: expected conventional or thesis" },
        { ["--device", "npu"], "error: --device npu: expected auto, cpu, cuda or cuda:N" },
        { ["--device", "cuda"], "error: --device cuda: the libtorch in use is the CPU build (no CUDA); " + global::Shear.Numerics.Runtime.Devices.CudaBuildHint },
        { ["--dtype", "fp8"], "error: --dtype fp8: expected fp32, bf16 or fp16" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInputIsOneLineAndExitTwo(string[] extra, string expected)
    {
        var output = Path.Combine(Cli.NewDir(), "eval.json");
        var (code, _, err) = Shear(["eval", "--model", Model, "--out", output, .. extra]);
        Assert.Equal(2, code);
        Assert.Equal(expected, err.TrimEnd('\n'));
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void FolderThatIsNotAModelIsNamed()
    {
        var dir = Path.Combine(Path.GetTempPath(), "shear-client-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var (code, _, err) = Shear("eval", "--model", dir);
        Assert.Equal(2, code);
        Assert.Equal($"error: --model {dir}: not a model folder (no config.json)", err.TrimEnd('\n'));
    }
}
