using System.Text.Json;
using Shear.Numerics.Checkpoints;
using Shear.Numerics.Models;
using static TorchSharp.torch;

namespace Shear.Numerics.Tests.Checkpoints;

public sealed class CheckpointTests
{
    [Fact]
    public void SaveThenLoadIsBitExact()
    {
        using var model = CausalLM.Load(Fixtures.Model("qwen2"));
        var dir = Fixtures.TempDir();
        File.Copy(Path.Combine(Fixtures.Model("qwen2"), "config.json"), Path.Combine(dir, "config.json"));
        CheckpointWriter.Write(dir, model.StateDict());
        using var again = CausalLM.Load(dir);
        var a = model.StateDict();
        var b = again.StateDict().ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(a.Select(p => p.Key).Order(), b.Keys.Order());
        foreach (var (name, t) in a)
        {
            Assert.True(t.bytes.SequenceEqual(b[name].bytes), $"{name} differs after the round trip");
        }
    }

    [Fact]
    public void ShardedCheckpointLoadsTheSameAsASingleFile()
    {
        var source = Fixtures.Model("llama");
        using var model = CausalLM.Load(source);
        var dir = Fixtures.TempDir();
        File.Copy(Path.Combine(source, "config.json"), Path.Combine(dir, "config.json"));
        var files = CheckpointWriter.Write(dir, model.StateDict(), maxShardBytes: 60_000);
        Assert.Contains(CheckpointReader.IndexFileName, files);
        Assert.True(files.Count > 3, $"expected several shards, got {string.Join(", ", files)}");
        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, CheckpointReader.IndexFileName)));
        long total = model.StateDict().Sum(p => p.Value.numel() * 4);
        Assert.Equal(total, index.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64());

        using var sharded = CausalLM.Load(dir);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = tensor(new long[] { 1, 5, 9, 13, 40 }).unsqueeze(0);
        Assert.Equal(0.0, Fixtures.MaxAbsDiff(model.Forward(ids), sharded.Forward(ids)));
    }

    [Fact]
    public void OneLayerLoadsAloneFromAShardedCheckpoint()
    {
        var source = Fixtures.Model("gemma");
        using var model = CausalLM.Load(source);
        var dir = Fixtures.TempDir();
        CheckpointWriter.Write(dir, model.StateDict(), maxShardBytes: 50_000);
        using var reader = CheckpointReader.Open(dir);
        using var layer = CausalLM.LoadLayer(model.Config, reader, 1);
        var mine = layer.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var theirs = model.Layers[1].named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Equal(theirs.Keys.Order(), mine.Keys.Order());
        foreach (var (name, t) in theirs)
        {
            Assert.True(t.bytes.SequenceEqual(mine[name].bytes), $"{name} differs");
        }
    }

    [Fact]
    public void MissingShardIsNamed()
    {
        var dir = WriteSharded("llama");
        var shard = Path.Combine(dir, "model-00002-of-" + ShardCount(dir).ToString("D5", System.Globalization.CultureInfo.InvariantCulture) + ".safetensors");
        File.Delete(shard);
        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Open(dir));
        Assert.Equal($"{shard}: shard listed in model.safetensors.index.json is missing", e.Message);
    }

    [Fact]
    public void FolderWithoutWeightsIsReported()
    {
        var dir = Fixtures.TempDir();
        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Open(dir));
        Assert.Equal($"{dir}: no weights: neither model.safetensors nor model.safetensors.index.json is there", e.Message);
    }

    [Fact]
    public void StateDictMissingAWeightIsNamed()
    {
        var dir = Fixtures.TempDir();
        File.Copy(Path.Combine(Fixtures.Model("llama"), "config.json"), Path.Combine(dir, "config.json"));
        using (var model = CausalLM.Load(Fixtures.Model("llama")))
        {
            CheckpointWriter.Write(dir, model.StateDict().Where(p => p.Key != "model.layers.1.mlp.up_proj.weight").ToList());
        }

        var e = Assert.Throws<CheckpointFormatException>(() => CausalLM.Load(dir));
        Assert.Equal($"{dir}: state dict is missing 1 weight(s): model.layers.1.mlp.up_proj.weight", e.Message);
    }

    [Fact]
    public void UnknownModelTypeIsNamed()
    {
        var dir = Fixtures.TempDir();
        File.WriteAllText(Path.Combine(dir, "config.json"), """{"model_type":"gpt2","hidden_size":8,"intermediate_size":8,"num_hidden_layers":1,"num_attention_heads":2,"vocab_size":4}""");
        var e = Assert.Throws<ModelConfigException>(() => ModelConfigLoader.Load(dir));
        Assert.Equal($"{Path.Combine(dir, "config.json")}: unknown model_type 'gpt2' (Shear supports llama, mistral, qwen2, gemma, qwen3, gemma2, gemma3_text, phi3, mixtral, qwen3_moe)", e.Message);
    }

    [Theory]
    [InlineData(""","layer_types":["sliding_attention","chunked_attention"],"sliding_window":4""", "layer_types: unknown entry 'chunked_attention' (expected sliding_attention or full_attention)")]
    [InlineData(""","layer_types":["sliding_attention"],"sliding_window":4""", "layer_types has 1 entries for num_hidden_layers 2")]
    [InlineData(""","layer_types":["sliding_attention","full_attention"]""", "sliding_window: gemma3_text's local layers need a positive window")]
    [InlineData(""","sliding_window":4,"sliding_window_pattern":0""", "sliding_window_pattern must be positive, got 0")]
    [InlineData(""","sliding_window":4,"final_logit_softcapping":-30""", "final_logit_softcapping must be a positive number, got -30")]
    public void ABadGemma3LayerLayoutIsNamed(string fields, string expected)
    {
        var json = """{"model_type":"gemma3_text","hidden_size":8,"intermediate_size":8,"num_hidden_layers":2,"num_attention_heads":2,"vocab_size":4""" + fields + "}";
        var e = Assert.Throws<ModelConfigException>(() => ModelConfigLoader.Parse("c.json", json));
        Assert.Equal("c.json: " + expected, e.Message);
    }

    [Theory]
    [InlineData(new[] { "sliding_attention", "full_attention", "sliding_attention" }, null, new[] { true, false, true })]
    [InlineData(null, 3, new[] { true, true, false })]  // older configs: every third layer global
    [InlineData(null, null, new[] { true, true, true })] // the default pattern of 6: layers 0-4 local
    public void Gemma3sLocalLayersComeFromLayerTypesOrThePattern(string[]? types, int? pattern, bool[] local)
    {
        var config = new ModelConfig { ModelType = "gemma3_text", NumHiddenLayers = 3, SlidingWindow = 512, LayerTypes = types, SlidingWindowPattern = pattern };
        Assert.Equal(local, Enumerable.Range(0, 3).Select(i => config.WindowOf(i) == 512));
        var gemma2 = config with { ModelType = "gemma2", LayerTypes = null };
        Assert.Equal([true, false, true], Enumerable.Range(0, 3).Select(i => gemma2.WindowOf(i) == 512)); // even layers
    }

    [Theory]
    [InlineData("mixtral", ""","num_local_experts":4,"num_experts_per_tok":5""", "num_experts_per_tok must be 1 to 4, got 5")]
    [InlineData("mixtral", ""","num_local_experts":0""", "num_local_experts must be 1 to 4096, got 0")]
    [InlineData("qwen3_moe", ""","num_experts":8,"mlp_only_layers":[0,3]""", "mlp_only_layers: 3 is not a layer (0 to 1)")]
    [InlineData("qwen3_moe", ""","num_experts":8,"decoder_sparse_step":0""", "decoder_sparse_step must be 1 to 4096, got 0")]
    [InlineData("qwen3_moe", ""","num_experts":8,"moe_intermediate_size":-1""", "moe_intermediate_size must be 1 to 1048576, got -1")]
    public void ABadMixtureConfigIsNamed(string family, string fields, string expected)
    {
        var json = $$"""{"model_type":"{{family}}","hidden_size":8,"intermediate_size":8,"num_hidden_layers":2,"num_attention_heads":2,"vocab_size":4{{fields}}}""";
        var e = Assert.Throws<ModelConfigException>(() => ModelConfigLoader.Parse("c.json", json));
        Assert.Equal("c.json: " + expected, e.Message);
    }

    [Theory]
    [InlineData(new int[0], 1, new[] { true, true, true, true })]
    [InlineData(new[] { 1 }, 1, new[] { true, false, true, true })]
    [InlineData(new int[0], 2, new[] { false, true, false, true })] // (layer + 1) % decoder_sparse_step == 0
    public void Qwen3MoesMixtureLayersFollowMlpOnlyLayersAndTheSparseStep(int[] mlpOnly, int step, bool[] moe)
    {
        var config = new ModelConfig { ModelType = "qwen3_moe", NumHiddenLayers = 4, NumExperts = 8, MlpOnlyLayers = mlpOnly, DecoderSparseStep = step };
        Assert.Equal(moe, Enumerable.Range(0, 4).Select(config.IsMoeLayer));
        Assert.False((config with { NumExperts = 0 }).IsMoeLayer(0)); // no experts: a dense model
        Assert.True((config with { ModelType = "mixtral", NumLocalExperts = 8 }).IsMoeLayer(1)); // every Mixtral layer
    }

    [Fact]
    public void AMultimodalGemma3ConfigIsItsTextConfigOverGemma3TextsDefaults()
    {
        // google/gemma-3-4b-it's config.json, its vision_config cut short: text_config lists only what differs from the defaults.
        var json = """
            {"architectures":["Gemma3ForConditionalGeneration"],"boi_token_index":255999,"eoi_token_index":256000,"eos_token_id":[1,106],
             "image_token_index":262144,"mm_tokens_per_image":256,"model_type":"gemma3",
             "text_config":{"hidden_size":2560,"intermediate_size":10240,"model_type":"gemma3_text","num_hidden_layers":34,
                            "rope_scaling":{"factor":8.0,"rope_type":"linear"},"sliding_window":1024},
             "torch_dtype":"bfloat16","vision_config":{"model_type":"siglip_vision_model","hidden_size":1152}}
            """;
        var c = ModelConfigLoader.Parse("c.json", json);
        Assert.Equal(("gemma3_text", 2560, 10240, 34, 1024), (c.ModelType, c.HiddenSize, c.IntermediateSize, c.NumHiddenLayers, c.SlidingWindow));
        // transformers' Gemma3TextConfig defaults fill the rest.
        Assert.Equal((262208, 8, 4, 256, 256.0, 1e6, 10000.0), (c.VocabSize, c.NumAttentionHeads, c.KvHeads, c.HeadDim, c.QueryPreAttnScalar, c.RopeTheta, c.RopeLocalBaseFreq));
        Assert.Equal([1, 106], c.EosTokenIds); // the file's own ids win
        Assert.Equal(("language_model.", "language_model.model.layers.3.", "language_model.model.embed_tokens.weight"), (c.TensorPrefix, c.LayerPrefix(3), c.EmbeddingTensor));
        Assert.Equal([true, true, true, true, true, false], Enumerable.Range(0, 6).Select(i => c.WindowOf(i) == 1024)); // every 6th layer global
        var e = Assert.Throws<ModelConfigException>(() => ModelConfigLoader.Parse("c.json", """{"model_type":"gemma3","vision_config":{}}"""));
        Assert.Equal("c.json: text_config: a gemma3 (multimodal) config needs its language model's text_config object", e.Message);
    }

    [Fact]
    public void UnsupportedRopeScalingIsNamed()
    {
        var json = """{"model_type":"llama","hidden_size":8,"intermediate_size":8,"num_hidden_layers":1,"num_attention_heads":2,"vocab_size":4,"rope_scaling":{"rope_type":"yarn","factor":4}}""";
        var e = Assert.Throws<ModelConfigException>(() => ModelConfigLoader.Parse("c.json", json));
        Assert.Equal("c.json: unsupported rope_scaling type 'yarn' (Shear supports default, linear, llama3, longrope)", e.Message);
    }

    [Theory]
    [InlineData(""","partial_rotary_factor":0.75,"rope_scaling":{"type":"longrope","short_factor":[1,1],"long_factor":[1,2,3]}""", "rope_scaling.short_factor must list 3 positive numbers (one per rotary frequency), got 2")]
    [InlineData(""","partial_rotary_factor":0.75,"rope_scaling":{"type":"longrope","short_factor":[1,1,1],"long_factor":[1,0,3]}""", "rope_scaling.long_factor must list 3 positive numbers (one per rotary frequency), got 3")]
    [InlineData(""","partial_rotary_factor":0.1""", "partial_rotary_factor 0.1 x head_dim 8 must give an even, positive number of rotary dimensions")]
    public void ABadPhi3RopeIsNamed(string fields, string expected)
    {
        // head_dim 8 (hidden 16, 2 heads); partial_rotary_factor 0.75: 6 rotary dimensions, 3 frequencies.
        var json = """{"model_type":"phi3","hidden_size":16,"intermediate_size":8,"num_hidden_layers":1,"num_attention_heads":2,"vocab_size":4""" + fields + "}";
        var e = Assert.Throws<ModelConfigException>(() => ModelConfigLoader.Parse("c.json", json));
        Assert.Equal("c.json: " + expected, e.Message);
    }

    [Fact]
    public void MissingRequiredConfigFieldIsNamed()
    {
        var e = Assert.Throws<ModelConfigException>(() => ModelConfigLoader.Parse("c.json", """{"model_type":"llama","hidden_size":8}"""));
        Assert.Contains("intermediate_size", e.Message, StringComparison.Ordinal);
    }

    private static string WriteSharded(string family)
    {
        var dir = Fixtures.TempDir();
        using var model = CausalLM.Load(Fixtures.Model(family));
        CheckpointWriter.Write(dir, model.StateDict(), maxShardBytes: 60_000);
        return dir;
    }

    private static int ShardCount(string dir) => Directory.GetFiles(dir, "model-*.safetensors").Length;
}
