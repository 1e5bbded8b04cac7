using System.Globalization;
using Shear.Numerics.Checkpoints;
using Shear.Numerics.Models;
using static TorchSharp.torch;

namespace Shear.Bench;

/// <summary>
/// Writes a random Llama-shaped HF checkpoint with Shear's own streaming writer (no Python): config.json, the tiny
/// model's tokenizer files (its ids are all below the vocabulary), weights N(0, 0.02) and unit norms, tensor by tensor
/// (one tensor in memory), sharded at 5 GB as HF does.
/// </summary>
internal static class RandomCheckpoint
{
    /// <summary>LLaMA-7B's shape.</summary>
    public const string Llama7B = """{"model_type":"llama","hidden_size":4096,"intermediate_size":11008,"num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":32,"vocab_size":32000,"max_position_embeddings":4096,"rms_norm_eps":1e-6,"tie_word_embeddings":false,"torch_dtype":"bfloat16","bos_token_id":1,"eos_token_id":2}""";

    /// <summary>Qwen3-8B's shape (its config.json's fields that shape the weights).</summary>
    public const string Qwen3_8B = """{"model_type":"qwen3","hidden_size":4096,"intermediate_size":12288,"num_hidden_layers":36,"num_attention_heads":32,"num_key_value_heads":8,"head_dim":128,"vocab_size":151936,"max_position_embeddings":40960,"rms_norm_eps":1e-6,"rope_theta":1000000,"tie_word_embeddings":false,"attention_bias":false,"use_sliding_window":false,"torch_dtype":"bfloat16","bos_token_id":151643,"eos_token_id":151645}""";

    /// <summary>Qwen3-30B-A3B's shape: every layer a mixture of 128 experts of 768, 8 per token.</summary>
    public const string Qwen3_30B_A3B = """{"model_type":"qwen3_moe","hidden_size":2048,"intermediate_size":6144,"moe_intermediate_size":768,"num_experts":128,"num_experts_per_tok":8,"norm_topk_prob":true,"decoder_sparse_step":1,"mlp_only_layers":[],"num_hidden_layers":48,"num_attention_heads":32,"num_key_value_heads":4,"head_dim":128,"vocab_size":151936,"max_position_embeddings":40960,"rms_norm_eps":1e-6,"rope_theta":1000000,"tie_word_embeddings":false,"attention_bias":false,"use_sliding_window":false,"torch_dtype":"bfloat16","bos_token_id":151643,"eos_token_id":151645}""";

    /// <summary>A named shape (<c>llama-7b</c>, <c>qwen3-8b</c>, <c>qwen3-30b-a3b</c>), with its first <paramref name="layers"/> layers (all when null).</summary>
    public static string Shape(string name, int? layers)
    {
        var json = name switch
        {
            "llama-7b" => Llama7B,
            "qwen3-8b" => Qwen3_8B,
            "qwen3-30b-a3b" => Qwen3_30B_A3B,
            _ => throw new ArgumentException($"unknown shape '{name}' (llama-7b, qwen3-8b, qwen3-30b-a3b)"),
        };
        return layers is { } n ? System.Text.RegularExpressions.Regex.Replace(json, "\"num_hidden_layers\":\\d+", $"\"num_hidden_layers\":{n}") : json;
    }

    public static void Write(string directory, string configJson, ScalarType dtype, string tokenizerFrom = "models/shear-tiny")
    {
        var config = ModelConfigLoader.Parse("bench", configJson);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "config.json"), configJson);
        foreach (var file in Directory.GetFiles(tokenizerFrom).Where(f => Path.GetFileName(f).StartsWith("tokenizer", StringComparison.Ordinal) || Path.GetFileName(f) == "special_tokens_map.json"))
        {
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)), overwrite: true);
        }

        var specs = Specs(config, dtype);
        using var writer = StreamingCheckpointWriter.Create(directory, CheckpointLayout.Split(specs));
        manual_seed(0);
        foreach (var spec in specs)
        {
            using var scope = NewDisposeScope();
            var t = spec.Shape.Length == 1 ? ones(spec.Shape) : randn(spec.Shape) * 0.02;
            writer.Write(spec.Name, t);
        }

        writer.Flush();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {directory}: {specs.Count} tensors, {specs.Sum(s => s.ByteLength) / 1e9:F2} GB {dtype}"));
    }

    // Names and shapes in the order CausalLM.StateDict gives (one layer is built on the meta-free CPU path to read them).
    private static List<TensorSpec> Specs(ModelConfig config, ScalarType dtype)
    {
        var specs = new List<TensorSpec> { new("model.embed_tokens.weight", dtype, [config.VocabSize, config.HiddenSize]) };
        for (int i = 0; i < config.NumHiddenLayers; i++)
        {
            // On the meta device: names and shapes only (a mixture's layer differs from a dense one).
            using var one = new DecoderLayer(config, i, new ModelOptions(ScalarType.BFloat16) { DeviceName = "meta" });
            specs.AddRange(one.named_parameters().Select(p => new TensorSpec($"{one.Prefix}{p.name}", dtype, p.parameter.shape)));
        }

        specs.Add(new("model.norm.weight", dtype, [config.HiddenSize]));
        if (!config.TieWordEmbeddings)
        {
            specs.Add(new("lm_head.weight", dtype, [config.VocabSize, config.HiddenSize]));
        }

        return specs;
    }
}
