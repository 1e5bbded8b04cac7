using Shear.Numerics.Checkpoints;
using Shear.Numerics.Evaluation;
using Shear.Numerics.Experiment;
using Shear.Numerics.Models;
using Shear.Numerics.Pruning;
using static TorchSharp.torch;

namespace Shear.Numerics.Tests.Pruning;

/// <summary>Sub-models kept as masks over their base: the same checkpoints, logits and evaluations as full copies, and bad bases named.</summary>
public sealed class SubModelTests
{
    private static string Tiny => Path.Combine(Shear.Tests.Shared.TestRepo.Root, "models", "shear-tiny");

    private static PruneRequest Request(string model, PruningMethod method, string output, KeepMode keep) =>
        new(model, new PruneSpec(method, SparsityPattern.Unstructured(0.5)), CalibrationSet.Parse("builtin_math"), null, 8, 64, 0, output, false)
        {
            DataDirectory = Path.Combine(Shear.Tests.Shared.TestRepo.Root, "data"),
            Keep = keep,
        };

    private static Tensor Logits(string model)
    {
        using var lm = CausalLM.Load(model);
        using var noGrad = no_grad();
        using var ids = tensor(new long[] { 1, 17, 42, 5, 88, 23, 9, 101 }).unsqueeze(0);
        return lm.Forward(ids).detach().clone();
    }

    [Theory]
    [InlineData(PruningMethod.Wanda)]
    [InlineData(PruningMethod.Magnitude)]
    [InlineData(PruningMethod.SparseGpt)]
    public void MasksOnlyGivesTheFullCopysCheckpointLogitsAndEvaluation(PruningMethod method)
    {
        var root = Fixtures.TempDir();
        string full = Path.Combine(root, "full"), masks = Path.Combine(root, "masks"), exported = Path.Combine(root, "exported");
        LocalPruneJob.Run(Request(Tiny, method, full, KeepMode.Checkpoints));
        LocalPruneJob.Run(Request(Tiny, method, masks, KeepMode.Masks));
        Assert.False(File.Exists(Path.Combine(masks, CheckpointReader.SingleFileName)));
        Assert.True(SubModel.IsSubModel(masks));
        Assert.Equal(method == PruningMethod.SparseGpt, Directory.Exists(Path.Combine(masks, SubModel.ChangedFolder))); // only SparseGPT changes kept weights

        // The export is the full copy, byte for byte (weights and masks).
        SubModelExport.Run(masks, exported, overwrite: false);
        Assert.Equal(File.ReadAllBytes(Path.Combine(full, CheckpointReader.SingleFileName)), File.ReadAllBytes(Path.Combine(exported, CheckpointReader.SingleFileName)));
        foreach (var f in Directory.GetFiles(Path.Combine(full, PrunedModelWriter.MaskFolder)))
        {
            Assert.Equal(File.ReadAllBytes(f), File.ReadAllBytes(Path.Combine(exported, PrunedModelWriter.MaskFolder, Path.GetFileName(f))));
        }

        // Logits and an evaluation of the masks folder itself equal the full copy's, bit for bit.
        using var a = Logits(full);
        using var b = Logits(masks);
        Assert.True(a.equal(b).all().item<bool>(), $"{method}: logits differ");
        var options = new EvalOptions { Domains = ["ppl"], Limit = 2, DataDirectory = Path.Combine(Shear.Tests.Shared.TestRepo.Root, "data") };
        Assert.Equal(LocalEvalJob.Run(full, options).Results.Select(r => r.Value), LocalEvalJob.Run(masks, options).Results.Select(r => r.Value));
    }

    // A masks-only sub-model of a private copy of the llama fixture (so the tests may move and change its base).
    private static (string Base, string Masks) MasksOverACopy()
    {
        var root = Fixtures.TempDir();
        var copy = Path.Combine(root, "base");
        Directory.CreateDirectory(copy);
        foreach (var f in Directory.GetFiles(Fixtures.Model("llama")))
        {
            File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
        }

        var masks = Path.Combine(root, "masks");
        LocalPruneJob.Run(new PruneRequest(copy, new PruneSpec(PruningMethod.Magnitude, SparsityPattern.Unstructured(0.5)), null, null, 1, 8, 0, masks, false) { Keep = KeepMode.Masks });
        return (copy, masks);
    }

    [Fact]
    public void AMovedBaseIsNamed()
    {
        var (copy, masks) = MasksOverACopy();
        Directory.Move(copy, copy + "-moved");
        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Open(masks));
        Assert.Contains($"base checkpoint {copy} not found (moved or deleted?", e.Message, StringComparison.Ordinal);
        Assert.StartsWith(Path.Combine(masks, SubModel.FileName), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AChangedBaseIsNamedWithBothHashes()
    {
        var (copy, masks) = MasksOverACopy();
        var weights = Path.Combine(copy, CheckpointReader.SingleFileName);
        var bytes = File.ReadAllBytes(weights);
        bytes[^1] ^= 0x01; // one bit of the last weight
        File.WriteAllBytes(weights, bytes);
        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Open(masks));
        Assert.Matches($"base {System.Text.RegularExpressions.Regex.Escape(weights)} has changed: sha256 [0-9a-f]{{64}}, the masks were made on [0-9a-f]{{64}}", e.Message);
    }

    [Fact]
    public void AMissingMaskAndAMaskOfAnotherShapeAreNamed()
    {
        var (_, masks) = MasksOverACopy();
        var folder = Path.Combine(masks, PrunedModelWriter.MaskFolder);
        var q = Path.Combine(folder, MaskFile.FileName("model.layers.0.self_attn.q_proj"));
        var k = Path.Combine(folder, MaskFile.FileName("model.layers.0.self_attn.k_proj"));
        File.Copy(k, q, overwrite: true); // k_proj's mask (32 x 64) where q_proj's (64 x 64) was
        var shape = Assert.Throws<CheckpointFormatException>(() => CausalLM.Load(masks));
        Assert.Equal($"{q}: mask of shape [32, 64] for model.layers.0.self_attn.q_proj.weight of shape [64, 64]", shape.Message);
        File.Delete(q);
        var missing = Assert.Throws<CheckpointFormatException>(() => CausalLM.Load(masks));
        Assert.Equal($"{q}: missing mask of model.layers.0.self_attn.q_proj", missing.Message);
    }
}
