using System.Text.Json;
using Shear.Numerics.Checkpoints;
using Shear.Numerics.Data;
using Shear.Numerics.Experiment;
using Shear.Numerics.Models;
using Shear.Numerics.Pruning;
using static TorchSharp.torch;

namespace Shear.Numerics.Tests.Pruning;

public sealed class LocalPruneJobTests
{
    private static string Calibration => Path.Combine(Fixtures.Root, "calibration", "mixed.jsonl");

    private static PruneRequest Request(string output, PruningMethod method = PruningMethod.Wanda, string pattern = "unstructured", string family = "gemma") =>
        new(Fixtures.Model(family), new PruneSpec(method, SparsityPattern.Parse(pattern, 0.5)), CalibrationSet.Parse(Calibration), null, 8, 24, 0, output, false);

    [Theory]
    [InlineData(PruningMethod.Wanda, "unstructured")]
    [InlineData(PruningMethod.SparseGpt, "2:4")]
    [InlineData(PruningMethod.Magnitude, "4:8")]
    public void PrunedCheckpointReloadsWithTheSparsityItsReportStates(PruningMethod method, string pattern)
    {
        var output = Path.Combine(Fixtures.TempDir(), "pruned");
        var report = LocalPruneJob.Run(Request(output, method, pattern));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, PrunedModelWriter.ReportFile)));
        double stated = json.RootElement.GetProperty("total_sparsity").GetDouble();
        Assert.Equal(report.TotalSparsity, stated);
        using var pruned = CausalLM.Load(output);
        var counts = pruned.Layers.Select(LayerPruner.CountZeros).ToList(); // counted again on the reloaded weights
        Assert.Equal(stated, (double)counts.Sum(c => c.Zeros) / counts.Sum(c => c.Total));
        Assert.Equal(0.5, stated, 3);
        var layers = json.RootElement.GetProperty("layers");
        Assert.Equal(2, layers.GetArrayLength());
        Assert.Equal(PruningMethods.Name(method), json.RootElement.GetProperty("method").GetString());
        Assert.Equal(pattern, json.RootElement.GetProperty("pattern").GetString());
    }

    [Fact]
    public void EmbeddingNormsAndHeadAreUntouchedAndMasksMatchTheZeros()
    {
        var output = Path.Combine(Fixtures.TempDir(), "pruned");
        LocalPruneJob.Run(Request(output, family: "llama"));
        using var baseCkpt = CheckpointReader.Open(Fixtures.Model("llama"));
        using var prunedCkpt = CheckpointReader.Open(output);
        using var scope = NewDisposeScope();
        foreach (var name in baseCkpt.Names.Where(n => !n.EndsWith("proj.weight", StringComparison.Ordinal)))
        {
            Assert.True(baseCkpt.Read(name).bytes.SequenceEqual(prunedCkpt.Read(name).bytes), $"{name} changed");
        }

        foreach (var name in baseCkpt.Names.Where(n => n.EndsWith("proj.weight", StringComparison.Ordinal)))
        {
            var mask = MaskFile.Read(Path.Combine(output, PrunedModelWriter.MaskFolder, MaskFile.FileName(name[..^".weight".Length])));
            var weight = prunedCkpt.Read(name);
            Assert.True(mask.equal(weight.eq(0)).all().item<bool>(), $"{name}: mask and zeros disagree");
            var kept = baseCkpt.Read(name).masked_fill(mask, 0);
            Assert.True(kept.equal(weight).all().item<bool>(), $"{name}: kept weights changed");
        }

        Assert.True(File.Exists(Path.Combine(output, "tokenizer.json")));
        Assert.False(File.Exists(Path.Combine(output, "expected_logits.safetensors")));
    }

    [Fact]
    public void NonEmptyOutputIsRefusedAndLeftAlone()
    {
        var output = Path.Combine(Fixtures.TempDir(), "pruned");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "keep.txt"), "mine");
        foreach (var overwrite in new[] { false, true })
        {
            var e = Assert.Throws<IOException>(() => LocalPruneJob.Run(Request(output) with { Overwrite = overwrite }));
            Assert.Equal($"--out {output} is a folder Shear did not make (it has files and no .shear-output): Shear never replaces it, --overwrite or not; choose a new folder", e.Message);
            Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName));
            Assert.Single(Directory.GetFileSystemEntries(Path.GetDirectoryName(output)!));
        }
    }

    [Fact]
    public void OverwriteReplacesTheOutputWhole()
    {
        var output = Path.Combine(Fixtures.TempDir(), "pruned");
        LocalPruneJob.Run(Request(output));
        File.WriteAllText(Path.Combine(output, "stale.txt"), "old"); // a previous output of Shear's, with something added
        Assert.Contains("use --overwrite", Assert.Throws<IOException>(() => LocalPruneJob.Run(Request(output))).Message, StringComparison.Ordinal);
        LocalPruneJob.Run(Request(output) with { Overwrite = true });
        Assert.False(File.Exists(Path.Combine(output, "stale.txt")));
        Assert.True(File.Exists(Path.Combine(output, PrunedModelWriter.ReportFile)));
        Assert.Equal("sub-model", Shear.Numerics.IO.OutputFolder.KindOf(output));
        Assert.Single(Directory.GetFileSystemEntries(Path.GetDirectoryName(output)!));
    }

    [Fact]
    public void AJobsWriterNeverTakesAUsersFolderAsItsOutput()
    {
        // A sweep job's output path that a person has filled (the grains open the writer this way).
        var parent = Fixtures.TempDir();
        var output = Path.Combine(parent, "job");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "mine.txt"), "mine");
        var e = Assert.Throws<IOException>(() => PrunedModelWriter.Resume(Fixtures.Model("llama"), output, Path.Combine(parent, ".job.work"), resume: false));
        Assert.Contains("Shear did not make", e.Message, StringComparison.Ordinal);
        Assert.Equal(["job"], Directory.GetFileSystemEntries(parent).Select(Path.GetFileName));
        Assert.Equal(["mine.txt"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName));
    }

    [Fact]
    public void BadCalibrationWritesNothing()
    {
        var parent = Fixtures.TempDir();
        var empty = Path.Combine(parent, "empty.jsonl");
        File.WriteAllText(empty, "{\"text\": \"   \"}\n");
        var output = Path.Combine(parent, "pruned");
        var e = Assert.Throws<DataFormatException>(() => LocalPruneJob.Run(Request(output) with { Calibration = CalibrationSet.Parse(empty) }));
        Assert.Equal($"{empty}: no usable text (every document is empty)", e.Message);
        Assert.Equal(["empty.jsonl"], Directory.GetFileSystemEntries(parent).Select(Path.GetFileName));
    }

    [Fact]
    public void ModelWithoutWeightsWritesNothing()
    {
        var parent = Fixtures.TempDir();
        var model = Path.Combine(parent, "model");
        Directory.CreateDirectory(model);
        File.Copy(Path.Combine(Fixtures.Model("llama"), "config.json"), Path.Combine(model, "config.json"));
        var e = Assert.Throws<CheckpointFormatException>(() => LocalPruneJob.Run(Request(Path.Combine(parent, "out")) with { Model = model }));
        Assert.Contains("no weights", e.Message, StringComparison.Ordinal);
        Assert.Equal(["model"], Directory.GetFileSystemEntries(parent).Select(Path.GetFileName));
    }

    [Fact]
    public void ZeroSamplesIsRefused()
    {
        var output = Path.Combine(Fixtures.TempDir(), "pruned");
        var e = Assert.Throws<ArgumentException>(() => LocalPruneJob.Run(Request(output) with { NSamples = 0 }));
        Assert.Equal("--nsamples must be positive, got 0", e.Message);
        Assert.False(Directory.Exists(output));
    }
}
