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
        List<(string Name, long[] Shape)> layer;
        using (var one = new DecoderLayer(config, 0, new ModelOptions(ScalarType.BFloat16)))
        {
            layer = one.named_parameters().Select(p => (p.name, p.parameter.shape)).ToList();
        }

        for (int i = 0; i < config.NumHiddenLayers; i++)
        {
            specs.AddRange(layer.Select(p => new TensorSpec($"{DecoderLayer.StatePrefix(i)}{p.Name}", dtype, p.Shape)));
        }

        specs.Add(new("model.norm.weight", dtype, [config.HiddenSize]));
        if (!config.TieWordEmbeddings)
        {
            specs.Add(new("lm_head.weight", dtype, [config.VocabSize, config.HiddenSize]));
        }

        return specs;
    }
}
