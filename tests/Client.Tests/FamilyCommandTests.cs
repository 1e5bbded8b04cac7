using System.Text.Json;
using Shear.Numerics.Checkpoints;

namespace Shear.Client.Tests;

/// <summary>
/// Each model family added since Llama, through the commands a user runs on it (its random fixture checkpoint, in its
/// published layout): inspect; prune (Wanda 50% as a full checkpoint, 2:4 as masks); every evaluation; compare; generate. Its
/// logits and Wanda masks are checked against the reference in Numerics.Tests (ReferenceLogitsTests, LayerLoopTests).
/// </summary>
public sealed class FamilyCommandTests
{
    private static string Fixture(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Fixtures", .. parts]);

    private static string Data => Path.Combine(Shear.Tests.Shared.TestRepo.Root, "data");

    /// <summary>Each family with a tensor only it has (pruned if a Linear, else copied unchanged), full name.</summary>
    public static TheoryData<string, string> Families() => new()
    {
        { "qwen3", "model.layers.1.self_attn.q_norm.weight" }, { "gemma2", "model.layers.1.pre_feedforward_layernorm.weight" },
        { "gemma3_text", "model.layers.1.self_attn.k_norm.weight" }, { "phi3", "model.layers.1.self_attn.qkv_proj.weight" },
        { "mixtral", "model.layers.1.block_sparse_moe.experts.3.w2.weight" }, { "qwen3_moe", "model.layers.2.mlp.gate.weight" },
        { "gemma3", "vision_tower.vision_model.embeddings.patch_embedding.weight" }, // multimodal: the vision tower is copied unchanged
    };

    // Where the family's language model lives in its checkpoint (Gemma 3's multimodal checkpoint: under language_model.).
    private static string Prefix(string family) => family == "gemma3" ? "language_model." : "";

    [Theory]
    [MemberData(nameof(Families))]
    public void InspectPruneEvalAndGenerateRunOnTheFamily(string family, string quirk)
    {
        var model = Fixture("models", family);
        var dir = Cli.NewDir();
        var (code, output, err) = Cli.Shear("inspect", "--model", model);
        Assert.True(code == 0, err);
        Assert.StartsWith($"{(family == "gemma3" ? "gemma3_text" : family)}: {(family == "qwen3_moe" ? 3 : 2)} layers", output, StringComparison.Ordinal);
        Assert.Equal(family == "gemma3", output.Contains("multimodal checkpoint: its language model (tensors under language_model.)", StringComparison.Ordinal));
        Assert.Equal(family is "mixtral" or "qwen3_moe", output.Contains("mixture of experts: ", StringComparison.Ordinal));

        var full = Path.Combine(dir, "wanda");
        (code, _, err) = Cli.Shear("prune", "--model", model, "--method", "wanda", "--sparsity", "0.5", "--calibration", "builtin_text",
            "--data-dir", Data, "--nsamples", "4", "--seqlen", "32", "--out", full);
        Assert.True(code == 0, err);
        using (var pruned = SafetensorsFile.Open(Path.Combine(full, "model.safetensors")))
        using (var o = pruned.Read($"{Prefix(family)}model.layers.1.self_attn.o_proj.weight"))
        using (var own = pruned.Read(quirk))
        using (var baseFile = SafetensorsFile.Open(Path.Combine(model, "model.safetensors")))
        using (var baseOwn = baseFile.Read(quirk))
        {
            Assert.Equal(0.5, o.eq(0).to_type(TorchSharp.torch.ScalarType.Float32).mean().item<float>(), 3); // half of every row
            if (PrunedLinears.IsWeight(quirk))
            {
                Assert.Equal(0.5, own.eq(0).to_type(TorchSharp.torch.ScalarType.Float32).mean().item<float>(), 3); // a fused Linear is pruned as one
            }
            else
            {
                Assert.True(own.equal(baseOwn).all().item<bool>(), $"{quirk} is copied unchanged"); // a norm, or a mixture's router
            }
        }

        using (var pruning = JsonDocument.Parse(File.ReadAllText(Path.Combine(full, "pruning.json"))))
        {
            // qwen3_moe's layer-0 expert 7 is built so that no token is routed to it: magnitude prunes it, and the report says so.
            var layer0 = pruning.RootElement.GetProperty("layers")[0];
            var byMagnitude = layer0.TryGetProperty("pruned_by_magnitude", out var list) ? list.EnumerateArray().Select(e => e.GetString()).ToList() : [];
            Assert.Equal(family == "qwen3_moe", byMagnitude.SequenceEqual(["mlp.experts.7.down_proj", "mlp.experts.7.gate_proj", "mlp.experts.7.up_proj"]));
        }

        var masks = Path.Combine(dir, "nm24");
        (code, _, err) = Cli.Shear("prune", "--model", model, "--method", "wanda", "--pattern", "2:4", "--keep", "masks", "--calibration", "builtin_text",
            "--data-dir", Data, "--nsamples", "4", "--seqlen", "32", "--out", masks);
        Assert.True(code == 0, err);
        Assert.False(File.Exists(Path.Combine(masks, "model.safetensors")));

        var evalJson = Path.Combine(dir, "eval.json");
        // Every evaluation (generation included: code, translation and math sample), a little of each.
        (code, _, err) = Cli.Shear("eval", "--model", masks, "--domains", "code,csr,translation,math,ppl", "--limit", "2", "--data-dir", Data, "--out", evalJson,
            "--code-samples", "1", "--code-max-tokens", "8", "--translation-samples", "1", "--translation-max-tokens", "8");
        Assert.True(code == 0, err);
        using (var eval = JsonDocument.Parse(File.ReadAllText(evalJson)))
        {
            var scores = eval.RootElement.GetProperty("domains");
            Assert.True(scores.GetProperty("ppl").GetDouble() > 1);
            Assert.All(["code", "csr", "translation", "math"], d => Assert.InRange(scores.GetProperty(d).GetDouble(), 0.0, 1.0));
        }

        var report = Path.Combine(dir, "report");
        (code, _, err) = Cli.Shear("compare", full, masks, "--out", report);
        Assert.True(code == 0, err);
        Assert.Single(Directory.GetFiles(report, "mask_0_self_attn_q*_proj.png")); // the first attention Linear, fused or not

        (code, output, err) = Cli.Shear("generate", "--model", full, "--prompt", "Hello", "--max-new-tokens", "4");
        Assert.True(code == 0, err);
        Assert.Contains("4 tokens", output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void ACheckpointWithoutTheFamilysTensorIsOneLineExitTwoAndNothingWritten(string family, string quirk)
    {
        var dir = Cli.NewDir();
        var broken = CopyOfFixture(family, dir);

        var missing = family == "gemma3" ? "language_model.model.layers.1.self_attn.k_norm.weight" : quirk; // (Shear needs no vision tensor)
        using (var file = SafetensorsFile.Open(Path.Combine(Fixture("models", family), "model.safetensors")))
        {
            var kept = file.Header.Tensors.Keys.Where(n => n != missing).Select(n => new KeyValuePair<string, TorchSharp.torch.Tensor>(n, file.Read(n))).ToList();
            SafetensorsWriter.Write(Path.Combine(broken, "model.safetensors"), kept);
            kept.ForEach(t => t.Value.Dispose());
        }

        var output = Path.Combine(dir, "out");
        var (code, _, err) = PruneWanda(broken, output);
        Assert.Equal(2, code);
        Assert.Equal($"error: {broken}: state dict is missing 1 weight(s): {missing}", err.TrimEnd('\n'));
        Assert.False(Directory.Exists(output));
        Assert.Equal([Path.GetFileName(broken)], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("mixtral", "num_local_experts", 3, "block_sparse_moe", 4)]
    [InlineData("qwen3_moe", "num_experts", 9, "mlp", 8)]
    public void AMixtureWhoseExpertCountDisagreesWithItsTensorsIsOneLineExitTwoAndNothingWritten(string family, string field, int count, string block, int found)
    {
        var dir = Cli.NewDir();
        var broken = CopyOfFixture(family, dir);

        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(broken, "config.json")))!;
        config[field] = count;
        File.WriteAllText(Path.Combine(broken, "config.json"), config.ToJsonString());
        var output = Path.Combine(dir, "out");
        var (code, _, err) = PruneWanda(broken, output);
        Assert.Equal(2, code);
        Assert.Equal($"error: {broken}: config.json {field} is {count} but layer 0 has {found} experts in the checkpoint (model.layers.0.{block}.experts.0 to {found - 1})", err.TrimEnd('\n'));
        Assert.False(Directory.Exists(output));
    }

    // A copy of a family's fixture folder in dir (to break).
    private static string CopyOfFixture(string family, string dir)
    {
        var copy = Path.Combine(dir, "broken");
        Directory.CreateDirectory(copy);
        foreach (var f in Directory.GetFiles(Fixture("models", family)))
        {
            File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
        }

        return copy;
    }

    private static (int Code, string Output, string Error) PruneWanda(string model, string output) =>
        Cli.Shear("prune", "--model", model, "--method", "wanda", "--calibration", "builtin_text", "--data-dir", Data, "--nsamples", "4", "--seqlen", "32", "--out", output);
}
