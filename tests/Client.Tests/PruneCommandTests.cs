namespace Shear.Client.Tests;

public sealed class PruneCommandTests
{
    private static string Fixture(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Fixtures", .. parts]);

    private static string Model => Fixture("models", "llama");

    private static string Calibration => Fixture("calibration", "mixed.jsonl");

    private static (int Code, string Out, string Err) Shear(params string[] args) => Cli.Shear(args);

    private static string NewParent() => Cli.NewDir();

    public static TheoryData<string[], string> BadInputs() => new()
    {
        { ["--method", "foo"], "error: unknown pruning method 'foo' (use magnitude, wanda, wanda-variant, sparsegpt, ria, dsnot)" },
        { ["--pattern", "3:2"], "error: N:M pattern needs 0 < n < m, got 3:2" },
        { ["--pattern", "2:4", "--sparsity", "0.6"], "error: sparsity 0.6 does not match pattern 2:4 (which prunes 0.5)" },
        { ["--sparsity", "1.5"], "error: --sparsity must be strictly between 0 and 1, got 1.5" },
        { ["--nsamples", "0"], "error: --nsamples must be positive, got 0" },
        { ["--pattern", "5:7"], "error: model.layers.0.self_attn.q_proj: input width 64 is not a multiple of M=7 for pattern 5:7" },
        { ["--method", "dsnot", "--dsnot-skip", "ffn"], "error: --dsnot-skip ffn: expected mlp, self_attn or none" },
        { ["--method", "dsnot", "--dsnot-cycles", "-1"], "error: --dsnot-cycles -1: expected 0..100000" },
        { ["--dsnot-threshold", "-0.5"], "error: --dsnot-threshold -0.5: expected a finite value >= 0" },
        { ["--method", "ria", "--ria-exponent", "NaN"], "error: --ria-exponent NaN: expected 0..8" },
        { ["--device", "gpu0"], "error: --device gpu0: expected auto, cpu, cuda or cuda:N" },
        { ["--device", "cuda:7"], "error: --device cuda:7: the libtorch in use is the CPU build (no CUDA); " + global::Shear.Numerics.Runtime.Devices.CudaBuildHint },
        { ["--keep", "all"], "error: --keep all: expected masks or checkpoints" },
        { ["--method", "owl+wanda", "--sparsity", "0.9"], "error: --owl-lambda 0.08 with --sparsity 0.9: OWL's layer sparsities reach up to sparsity + 2 x lambda, which must stay below 1" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInputIsOneLineExitTwoAndWritesNothing(string[] extra, string expected)
    {
        var parent = NewParent();
        var (code, _, err) = Shear(["prune", "--model", Model, "--calibration", Calibration, "--out", Path.Combine(parent, "out"), .. extra]);
        Assert.Equal(2, code);
        Assert.Equal(expected, err.TrimEnd('\n'));
        Assert.Empty(Directory.GetFileSystemEntries(parent));
    }

    [Fact]
    public void ModelFolderWithoutWeightsIsNamed()
    {
        var parent = NewParent();
        var model = Path.Combine(parent, "model");
        Directory.CreateDirectory(model);
        File.Copy(Path.Combine(Model, "config.json"), Path.Combine(model, "config.json"));
        var (code, _, err) = Shear("prune", "--model", model, "--calibration", Calibration, "--out", Path.Combine(parent, "out"));
        Assert.Equal(2, code);
        Assert.Equal($"error: {model}: no weights: neither model.safetensors nor model.safetensors.index.json is there", err.TrimEnd('\n'));
        Assert.Equal(["model"], Directory.GetFileSystemEntries(parent).Select(Path.GetFileName));
    }

    [Fact]
    public void AUsersFolderIsNeverReplacedOverwriteOrNot()
    {
        var output = Path.Combine(NewParent(), "out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "notes.txt"), "keep me");
        File.WriteAllText(Path.Combine(output, "thesis.tex"), "chapter one");
        foreach (var overwrite in new[] { Array.Empty<string>(), ["--overwrite"] })
        {
            var (code, _, err) = Shear(["prune", "--model", Model, "--calibration", Calibration, "--out", output, .. overwrite]);
            Assert.Equal(2, code);
            Assert.Equal($"error: --out {output} is a folder Shear did not make (it has files and no .shear-output): Shear never replaces it, --overwrite or not; choose a new folder", err.TrimEnd('\n'));
            Assert.Equal("keep me", File.ReadAllText(Path.Combine(output, "notes.txt")));
            Assert.Equal("chapter one", File.ReadAllText(Path.Combine(output, "thesis.tex")));
        }
    }

    [Fact]
    public void CalibrationWithNoUsableTextIsNamed()
    {
        var parent = NewParent();
        var empty = Path.Combine(parent, "blank.txt");
        File.WriteAllText(empty, "\n\n   \n\n");
        var (code, _, err) = Shear("prune", "--model", Model, "--calibration", empty, "--out", Path.Combine(parent, "out"));
        Assert.Equal(2, code);
        Assert.Equal($"error: {empty}: no usable text (every document is empty)", err.TrimEnd('\n'));
        Assert.Equal(["blank.txt"], Directory.GetFileSystemEntries(parent).Select(Path.GetFileName));
    }

    [Fact]
    public void MissingRequiredOptionIsOneLine()
    {
        var (code, _, err) = Shear("prune", "--model", Model);
        Assert.Equal(2, code);
        Assert.Equal("error: Option '--out' is required.", err.TrimEnd('\n'));
    }

    [Fact]
    public void PrunePrintsTheSparsityCheckAndWritesTheModel()
    {
        var output = Path.Combine(NewParent(), "out");
        var (code, stdout, err) = Shear("prune", "--model", Model, "--calibration", Calibration, "--nsamples", "8", "--seqlen", "16",
            "--pattern", "2:4", "--out", output);
        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.Contains("layer 0 sparsity 0.500000", stdout, StringComparison.Ordinal);
        Assert.Contains("layer 1 sparsity 0.500000", stdout, StringComparison.Ordinal);
        Assert.Contains("sparsity sanity check 0.5000", stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output, "pruning.json")));
        Assert.Equal(14, Directory.GetFiles(Path.Combine(output, "masks")).Length);
    }
}
