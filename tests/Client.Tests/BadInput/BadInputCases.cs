using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;

namespace Shear.Client.Tests.BadInput;

/// <summary>
/// The bad-input corpus: each case spoils one thing (a checkpoint, a config, a tokenizer, a dataset file, a number
/// or path on the command line, a sweep file, a mask folder) and names what the one error line must mention.
/// </summary>
internal static partial class BadInputCases
{
    /// <summary>A case: what to set up and run, and the text the error line must contain (the offending item).</summary>
    internal sealed record Case(Func<Workspace, string[]> Run, string Names);

    private static readonly Dictionary<string, Case> All = [];

    public static IReadOnlyDictionary<string, Case> Cases
    {
        get
        {
            lock (All)
            {
                if (All.Count == 0)
                {
                    Checkpoints();
                    Configs();
                    Tokenizers();
                    Datasets();
                    PruneNumbersAndPaths();
                    Eval();
                    SweepFiles();
                    MaskFolders();
                    Others();
                    Outputs();
                    HubDatasets();
                }

                return All;
            }
        }
    }

    private static void Add(string name, Func<Workspace, string[]> run, string names) => All.Add(name, new Case(run, names));

    // --- command lines -------------------------------------------------------------------------------------------

    /// <summary><c>shear prune</c> on the workspace's model with small counts; pairs override or (value null) drop an option, "" is a flag.</summary>
    public static string[] Prune(Workspace w, params string?[] overrides)
    {
        var options = new List<(string Key, string? Value)>
        {
            ("--model", w.Model), ("--calibration", Workspace.Calibration), ("--nsamples", "2"), ("--seqlen", "16"), ("--out", w.Out),
        };
        return ["prune", .. Apply(options, overrides)];
    }

    public static string[] Eval(Workspace w, params string?[] overrides)
    {
        var options = new List<(string Key, string? Value)>
        {
            ("--model", w.Model), ("--domains", "ppl"), ("--limit", "1"), ("--data-dir", w.Data), ("--out", w.P("eval.json")),
        };
        return ["eval", .. Apply(options, overrides)];
    }

    private static string[] Apply(List<(string Key, string? Value)> options, string?[] overrides)
    {
        for (int i = 0; i < overrides.Length; i += 2)
        {
            var key = overrides[i]!;
            int at = options.FindIndex(o => o.Key == key);
            if (at >= 0)
            {
                options.RemoveAt(at);
            }

            options.Add((key, overrides[i + 1]));
        }

        return [.. options.Where(o => o.Value is not null).SelectMany(o => o.Value == "" ? new[] { o.Key } : [o.Key, o.Value!])];
    }

    private static void Config(string name, Action<JsonObject> edit, string names) =>
        Add("config/" + name, w =>
        {
            w.EditConfig(edit);
            return Prune(w);
        }, names);

    private static void Weights(string name, Action<JsonObject> header, string names, Func<byte[], byte[]>? data = null) =>
        Add("checkpoint/" + name, w =>
        {
            w.EditWeights(header, data);
            return Prune(w);
        }, names);

    private static void Tokenizer(string name, Action<JsonObject> edit, string names) =>
        Add("tokenizer/" + name, w =>
        {
            w.EditJson("tokenizer.json", edit);
            return Prune(w);
        }, names);

    private static void CalibrationFile(string name, string file, byte[] bytes, string names) =>
        Add("dataset/" + name, w => Prune(w, "--calibration", w.WriteBytes(file, bytes)), names);

    private static void DatasetFolder(string name, string dataset, string file, byte[] bytes, string names) =>
        Add("dataset/" + name, w =>
        {
            w.WriteBytes(Path.Combine("data", dataset, file), bytes);
            return Prune(w, "--calibration", dataset, "--data-dir", w.P("data"), "--sampling", "examples");
        }, names);

    private const string GoodSweep = "models: [MODEL]\ncalibrations: [builtin_code]\nmethods: [wanda]\npatterns: [unstructured]\nsparsity: 0.5\ndomains: [ppl]\n";

    private static void Sweep(string name, string yaml, string names) => SweepBytes(name, w => Utf8(yaml.Replace("MODEL", w.Model, StringComparison.Ordinal)), names);

    private static void SweepBytes(string name, Func<Workspace, byte[]> yaml, string names) =>
        Add("sweep/" + name, w => ["sweep", "submit", w.WriteBytes("sweep.yaml", yaml(w)), "--gateway", "127.0.0.1:1", "--connect-timeout", "1"], names);

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static byte[] Gzip(byte[] data, CompressionLevel level = CompressionLevel.Fastest)
    {
        using var buffer = new MemoryStream();
        using (var gz = new GZipStream(buffer, level))
        {
            gz.Write(data);
        }

        return buffer.ToArray();
    }

    // --- checkpoints (model.safetensors, the index) ------------------------------------------------------------

    private static void Checkpoints()
    {
        Add("checkpoint/no-weights", w =>
        {
            File.Delete(w.ModelFile("model.safetensors"));
            return Prune(w);
        }, "safetensors");
        Add("checkpoint/empty-file", w =>
        {
            File.WriteAllBytes(w.ModelFile("model.safetensors"), []);
            return Prune(w);
        }, "model.safetensors");
        Add("checkpoint/four-bytes", w =>
        {
            File.WriteAllBytes(w.ModelFile("model.safetensors"), [1, 2, 3, 4]);
            return Prune(w);
        }, "model.safetensors");
        Add("checkpoint/header-longer-than-file", w =>
        {
            var bytes = File.ReadAllBytes(w.ModelFile("model.safetensors"));
            BitConverter.GetBytes((long)bytes.Length * 2).CopyTo(bytes, 0);
            File.WriteAllBytes(w.ModelFile("model.safetensors"), bytes);
            return Prune(w);
        }, "model.safetensors");
        Add("checkpoint/header-length-huge", w =>
        {
            var bytes = File.ReadAllBytes(w.ModelFile("model.safetensors"));
            BitConverter.GetBytes(long.MaxValue).CopyTo(bytes, 0);
            File.WriteAllBytes(w.ModelFile("model.safetensors"), bytes);
            return Prune(w);
        }, "model.safetensors");
        Add("checkpoint/header-not-json", w =>
        {
            Workspace.WriteSafetensors(w.ModelFile("model.safetensors"), "{not json", new byte[16]);
            return Prune(w);
        }, "model.safetensors");
        Add("checkpoint/header-an-array", w =>
        {
            Workspace.WriteSafetensors(w.ModelFile("model.safetensors"), "[1,2]", new byte[16]);
            return Prune(w);
        }, "model.safetensors");
        Add("checkpoint/header-not-utf8", w =>
        {
            var bytes = File.ReadAllBytes(w.ModelFile("model.safetensors"));
            bytes[10] = 0xFF;
            File.WriteAllBytes(w.ModelFile("model.safetensors"), bytes);
            return Prune(w);
        }, "model.safetensors");
        const string Q = "model.layers.0.self_attn.q_proj.weight";
        Weights("unknown-dtype", h => h[Q]!["dtype"] = "F8", "F8");
        Weights("dtype-not-a-string", h => h[Q]!["dtype"] = 5, Q);
        Weights("negative-dimension", h => h[Q]!["shape"] = new JsonArray(-64, 64), Q);
        Weights("shape-not-a-list", h => h[Q]!["shape"] = "64x64", Q);
        Weights("offsets-beyond-file", h => h[Q]!["data_offsets"] = new JsonArray(0, 1L << 40), Q);
        Weights("offsets-reversed", h =>
        {
            var o = h[Q]!["data_offsets"]!.AsArray();
            h[Q]!["data_offsets"] = new JsonArray(o[1]!.GetValue<long>(), o[0]!.GetValue<long>());
        }, Q);
        Weights("offsets-one-number", h => h[Q]!["data_offsets"] = new JsonArray(0), Q);
        Weights("offsets-not-numbers", h => h[Q]!["data_offsets"] = new JsonArray("a", "b"), Q);
        Weights("length-disagrees-with-shape", h => h[Q]!["shape"] = new JsonArray(64, 32), Q);
        Weights("overlapping-ranges", h =>
        {
            // k_proj's bytes become the first half of q_proj's: the two tensors share bytes.
            var q = h[Q]!["data_offsets"]!.AsArray();
            long begin = q[0]!.GetValue<long>();
            var k = h["model.layers.0.self_attn.k_proj.weight"]!["data_offsets"]!.AsArray();
            long length = k[1]!.GetValue<long>() - k[0]!.GetValue<long>();
            h["model.layers.0.self_attn.k_proj.weight"]!["data_offsets"] = new JsonArray(begin, begin + length);
        }, "overlap");
        Weights("missing-entry-field", h => h[Q]!.AsObject().Remove("dtype"), Q);
        Weights("entry-not-an-object", h => h[Q] = 7, Q);
        Weights("metadata-not-strings", h => h["__metadata__"] = new JsonObject { ["format"] = 5 }, "__metadata__");
        Weights("missing-norm", h => h.Remove("model.layers.1.input_layernorm.weight"), "model.layers.1.input_layernorm.weight");
        Weights("missing-down-proj", h => h.Remove("model.layers.1.mlp.down_proj.weight"), "model.layers.1.mlp.down_proj.weight");
        Weights("missing-embedding", h => h.Remove("model.embed_tokens.weight"), "model.embed_tokens.weight");
        Weights("misshapen-layer-1", h =>
        {
            // Same bytes, transposed shape: the length fits, the model's shape does not.
            var name = "model.layers.1.mlp.up_proj.weight";
            var s = h[name]!["shape"]!.AsArray();
            h[name]!["shape"] = new JsonArray(s[1]!.GetValue<long>(), s[0]!.GetValue<long>());
        }, "model.layers.1.mlp.up_proj.weight");
        Add("checkpoint/extra-layer", w =>
        {
            // A tensor of its own bytes, appended, for a layer the config does not have.
            long end = 0;
            w.EditWeights(h =>
            {
                end = h.Where(p => p.Key != "__metadata__").Max(p => p.Value!["data_offsets"]![1]!.GetValue<long>());
                h["model.layers.7.mlp.up_proj.weight"] = new JsonObject { ["dtype"] = "F32", ["shape"] = new JsonArray(1), ["data_offsets"] = new JsonArray(end, end + 4) };
            }, data => [.. data, 0, 0, 0, 0]);
            return Prune(w);
        }, "model.layers.7");
        Weights("integer-weight", h =>
        {
            h[Q]!["dtype"] = "I32"; // same byte length as F32
        }, Q);
        Add("checkpoint/truncated-data", w =>
        {
            var path = w.ModelFile("model.safetensors");
            var bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes[..(bytes.Length - 1000)]);
            return Prune(w);
        }, "model.safetensors");
        Add("checkpoint/index-not-json", w =>
        {
            w.Write(Path.Combine(w.Model, "model.safetensors.index.json"), "{");
            return Prune(w);
        }, "model.safetensors.index.json");
        Add("checkpoint/index-without-weight-map", w =>
        {
            w.Write(Path.Combine(w.Model, "model.safetensors.index.json"), "{\"metadata\": {}}");
            return Prune(w);
        }, "weight_map");
        Add("checkpoint/index-names-missing-shard", w =>
        {
            w.Write(Path.Combine(w.Model, "model.safetensors.index.json"), "{\"weight_map\": {\"model.embed_tokens.weight\": \"model-00002-of-00002.safetensors\"}}");
            return Prune(w);
        }, "model-00002-of-00002.safetensors");
        Add("checkpoint/index-escapes-folder", w =>
        {
            w.Write(Path.Combine(w.Model, "model.safetensors.index.json"), "{\"weight_map\": {\"model.embed_tokens.weight\": \"../model.safetensors\"}}");
            return Prune(w);
        }, "../model.safetensors");
        Add("checkpoint/index-weight-map-not-strings", w =>
        {
            w.Write(Path.Combine(w.Model, "model.safetensors.index.json"), "{\"weight_map\": {\"model.embed_tokens.weight\": 3}}");
            return Prune(w);
        }, "model.embed_tokens.weight");
        Add("checkpoint/index-names-tensor-not-in-shard", w =>
        {
            w.Write(Path.Combine(w.Model, "model.safetensors.index.json"), "{\"weight_map\": {\"model.not_there.weight\": \"model.safetensors\"}}");
            return Prune(w);
        }, "model.not_there.weight");
    }

    // --- config.json -----------------------------------------------------------------------------------------------

    private static void Configs()
    {
        Add("config/missing", w =>
        {
            File.Delete(w.ModelFile("config.json"));
            return Prune(w);
        }, "config.json");
        Add("config/not-json", w =>
        {
            File.WriteAllText(w.ModelFile("config.json"), "{\"hidden_size\": ");
            return Prune(w);
        }, "config.json");
        Add("config/an-array", w =>
        {
            File.WriteAllText(w.ModelFile("config.json"), "[1]");
            return Prune(w);
        }, "config.json");
        Add("config/not-utf8", w =>
        {
            File.WriteAllBytes(w.ModelFile("config.json"), [0x7B, 0xFF, 0xFE, 0x7D]);
            return Prune(w);
        }, "config.json");
        Config("hidden-size-negative", c => c["hidden_size"] = -64, "hidden_size");
        Config("hidden-size-zero", c => c["hidden_size"] = 0, "hidden_size");
        Config("hidden-size-huge", c => c["hidden_size"] = 1_000_000_000_000L, "hidden_size");
        Config("hidden-size-too-large", c => c["hidden_size"] = 1 << 30, "hidden_size");
        Config("hidden-size-string", c => c["hidden_size"] = "64", "hidden_size");
        Config("hidden-size-fraction", c => c["hidden_size"] = 64.5, "hidden_size");
        Config("hidden-size-missing", c => c.Remove("hidden_size"), "hidden_size");
        Config("heads-zero", c => c["num_attention_heads"] = 0, "num_attention_heads");
        Config("heads-not-dividing-hidden", c => c["num_attention_heads"] = 3, "num_attention_heads");
        Config("kv-heads-not-dividing-heads", c => c["num_key_value_heads"] = 3, "num_key_value_heads");
        Config("kv-heads-zero", c => c["num_key_value_heads"] = 0, "num_key_value_heads");
        Config("kv-heads-negative", c => c["num_key_value_heads"] = -2, "num_key_value_heads");
        Config("layers-zero", c => c["num_hidden_layers"] = 0, "num_hidden_layers");
        Config("layers-negative", c => c["num_hidden_layers"] = -1, "num_hidden_layers");
        Config("layers-more-than-the-checkpoint", c => c["num_hidden_layers"] = 3, "model.layers.2");
        Config("layers-fewer-than-the-checkpoint", c => c["num_hidden_layers"] = 1, "model.layers.1");
        Config("intermediate-zero", c => c["intermediate_size"] = 0, "intermediate_size");
        Config("intermediate-disagrees-with-weights", c => c["intermediate_size"] = 100, "mlp");
        Config("vocab-zero", c => c["vocab_size"] = 0, "vocab_size");
        Config("vocab-disagrees-with-embedding", c => c["vocab_size"] = 500, "model.embed_tokens.weight");
        Config("head-dim-negative", c => c["head_dim"] = -16, "head_dim");
        Config("head-dim-zero", c => c["head_dim"] = 0, "head_dim");
        Config("head-dim-odd", c => c["head_dim"] = 15, "head_dim");
        Config("max-positions-one", c => c["max_position_embeddings"] = 1, "max_position_embeddings");
        Config("max-positions-zero", c => c["max_position_embeddings"] = 0, "max_position_embeddings");
        Config("max-positions-negative", c => c["max_position_embeddings"] = -5, "max_position_embeddings");
        Config("rope-theta-negative", c => c["rope_theta"] = -1.0, "rope_theta");
        Config("rope-theta-zero", c => c["rope_theta"] = 0.0, "rope_theta");
        Config("rope-theta-string", c => c["rope_theta"] = "big", "rope_theta");
        Config("rms-eps-negative", c => c["rms_norm_eps"] = -1e-5, "rms_norm_eps");
        Config("rms-eps-huge", c => c["rms_norm_eps"] = 1e6, "rms_norm_eps");
        Config("model-type-unknown", c => c["model_type"] = "gpt2", "model_type");
        Config("model-type-missing", c => c.Remove("model_type"), "model_type");
        Config("eos-a-string", c => c["eos_token_id"] = "end", "eos_token_id");
        Config("eos-a-fraction", c => c["eos_token_id"] = 1.5, "eos_token_id");
        Config("eos-above-vocab", c => c["eos_token_id"] = 99999, "eos_token_id");
        Config("eos-list-with-a-string", c => c["eos_token_id"] = new JsonArray(1, "x"), "eos_token_id");
        Config("bos-negative", c => c["bos_token_id"] = -1, "bos_token_id");
        Config("bos-above-vocab", c => c["bos_token_id"] = 408, "bos_token_id");
        Config("pad-above-vocab", c => c["pad_token_id"] = 1000, "pad_token_id");
        Config("rope-scaling-a-string", c => c["rope_scaling"] = "llama3", "rope_scaling");
        Config("rope-scaling-unknown-type", c => c["rope_scaling"] = new JsonObject { ["rope_type"] = "bogus", ["factor"] = 2.0 }, "bogus");
        Config("rope-scaling-negative-factor", c => c["rope_scaling"]!["factor"] = -8.0, "factor");
        Config("tie-embeddings-a-string", c => c["tie_word_embeddings"] = "yes", "tie_word_embeddings");
        Config("activation-unknown", c => c["hidden_act"] = "swish2", "swish2");
        Config("sliding-window-negative", c =>
        {
            c["model_type"] = "mistral";
            c.Remove("rope_scaling");
            c["sliding_window"] = -4;
        }, "sliding_window");
    }

    // --- tokenizer.json ----------------------------------------------------------------------------------------

    private static void Tokenizers()
    {
        Add("tokenizer/missing", w =>
        {
            File.Delete(w.ModelFile("tokenizer.json"));
            return Prune(w);
        }, "tokenizer.json");
        Add("tokenizer/not-json", w =>
        {
            File.WriteAllText(w.ModelFile("tokenizer.json"), "{\"model\": ");
            return Prune(w);
        }, "tokenizer.json");
        Tokenizer("model-type-unknown", t => t["model"]!["type"] = "WordPiece", "WordPiece");
        Tokenizer("model-missing", t => t.Remove("model"), "model");
        Tokenizer("vocab-not-an-object", t => t["model"]!["vocab"] = new JsonArray(1, 2), "vocab");
        Tokenizer("vocab-id-negative", t => t["model"]!["vocab"]!.AsObject()["zz-negative"] = -3, "zz-negative");
        Tokenizer("vocab-id-a-string", t => t["model"]!["vocab"]!.AsObject()["zz-string"] = "7", "zz-string");
        Tokenizer("vocab-id-above-the-model", t => t["model"]!["vocab"]!.AsObject()["zz-above"] = 100000, "100000");
        Tokenizer("merge-with-one-element", t => t["model"]!["merges"]!.AsArray().Insert(0, "a"), "merges");
        Tokenizer("merge-a-number", t => t["model"]!["merges"]!.AsArray().Insert(0, 5), "merges");
        Tokenizer("merge-pair-of-three", t => t["model"]!["merges"]!.AsArray().Insert(0, new JsonArray("a", "b", "c")), "merges");
        Tokenizer("merges-not-a-list", t => t["model"]!["merges"] = "a b", "merges");
        Tokenizer("added-token-without-id", t => t["added_tokens"]!.AsArray().Add(new JsonObject { ["content"] = "<x>" }), "added_tokens");
        Tokenizer("added-token-id-above-the-model", t => t["added_tokens"]!.AsArray().Add(new JsonObject { ["id"] = 5000, ["content"] = "<x>", ["special"] = true }), "5000");
        Tokenizer("added-tokens-not-a-list", t => t["added_tokens"] = 3, "added_tokens");
        Tokenizer("pre-tokenizer-unknown", t => t["pre_tokenizer"] = new JsonObject { ["type"] = "Mystery" }, "Mystery");
        Tokenizer("normalizer-unknown", t => t["normalizer"] = new JsonObject { ["type"] = "Enigma" }, "Enigma");
        Tokenizer("decoder-unknown", t => t["decoder"] = new JsonObject { ["type"] = "Riddle" }, "Riddle");
    }

    // --- calibration and benchmark data --------------------------------------------------------------------------

    private static void Datasets()
    {
        Add("dataset/calibration-file-missing", w => Prune(w, "--calibration", w.P("nothing.jsonl")), "nothing.jsonl: no such file");
        Add("dataset/calibration-unknown-name", w => Prune(w, "--calibration", "nosuchset"), "nosuchset");
        Add("dataset/calibration-generated-unknown-source", w => Prune(w, "--calibration", "generated:nosuchset"), "nosuchset: unknown dataset");
        Add("dataset/calibration-generated-missing-file", w => Prune(w, "--calibration", "generated:" + w.P("nothing.jsonl")), "nothing.jsonl: no such file");
        Add("dataset/calibration-generated-of-generated", w => Prune(w, "--calibration", "generated:generated:builtin_code"), "generated:generated:builtin_code");
        Add("dataset/calibration-generated-no-source", w => Prune(w, "--calibration", "generated:"), "generated:SOURCE");
        Add("dataset/calibration-a-folder", w =>
        {
            Directory.CreateDirectory(w.P("folder.jsonl"));
            return Prune(w, "--calibration", w.P("folder.jsonl"));
        }, "folder.jsonl: a folder");
        CalibrationFile("jsonl-bad-line", "bad.jsonl", Utf8("{\"text\": \"a b c\"}\n{\"text\": \"d e f\"}\n{\"text\": \n"), "line 3");
        CalibrationFile("jsonl-line-not-an-object", "num.jsonl", Utf8("{\"text\": \"a b c\"}\n5\n"), "line 2");
        CalibrationFile("jsonl-no-text-field", "field.jsonl", Utf8("{\"body\": \"a b c\"}\n"), "text");
        CalibrationFile("jsonl-text-a-number", "number.jsonl", Utf8("{\"text\": 17}\n"), "text");
        CalibrationFile("jsonl-empty", "empty.jsonl", [], "empty.jsonl");
        CalibrationFile("jsonl-only-blank-texts", "blank.jsonl", Utf8("{\"text\": \"\"}\n{\"text\": \"   \"}\n"), "blank.jsonl");
        CalibrationFile("txt-empty", "empty.txt", [], "empty.txt");
        CalibrationFile("txt-not-utf8", "latin1.txt", [0x63, 0x61, 0x66, 0xE9, 0x20, 0x6E, 0x6F, 0x69, 0x72, 0x0A], "UTF-8");
        CalibrationFile("jsonl-not-utf8", "latin1.jsonl", [.. Utf8("{\"text\": \"caf"), 0xE9, .. Utf8("\"}\n")], "UTF-8");
        CalibrationFile("txt-binary", "binary.txt", [0, 1, 2, 3, 0, 0, 0, 0xFF, 0xFE], "binary.txt");
        Add("dataset/jsonl-one-huge-line", w =>
        {
            var path = w.P("huge.jsonl");
            using (var f = new StreamWriter(path))
            {
                f.Write("{\"text\": \"");
                f.Write(new string('a', 40 << 20));
                f.Write("\"}\n");
            }

            return Prune(w, "--calibration", path);
        }, "huge.jsonl");
        DatasetFolder("dataset-file-bad-line", "wikitext2", "train.jsonl", Utf8("{\"text\": \"one\"}\n{oops}\n"), "line 2");
        DatasetFolder("dataset-file-no-field", "wikitext2", "train.jsonl", Utf8("{\"body\": \"one\"}\n"), "text");
        DatasetFolder("gz-truncated", "c4", "c4-train.00000-of-01024.json.gz", Gzip(Utf8(string.Concat(Enumerable.Repeat("{\"text\": \"some words here\"}\n", 500))))[..60], "c4-train.00000-of-01024.json.gz");
        DatasetFolder("gz-not-gzip", "c4", "c4-train.00000-of-01024.json.gz", Utf8("{\"text\": \"plain\"}\n"), "c4-train.00000-of-01024.json.gz");
        DatasetFolder("gz-bomb", "c4", "c4-train.00000-of-01024.json.gz", Gzip(new byte[300 << 20], CompressionLevel.SmallestSize), "gzip bomb");
        DatasetFolder("json-malformed", "humaneval", "train.json", Utf8("[{\"prompt\": \"a\"}, {"), "train.json");
        DatasetFolder("json-object-without-rows", "humaneval", "train.json", Utf8("{\"count\": 3}"), "train.json");
        DatasetFolder("parquet-garbage", "humaneval", "train.parquet", Utf8("PAR1 this is not parquet at all PAR1"), "train.parquet");
        DatasetFolder("parquet-empty", "humaneval", "train.parquet", [], "train.parquet");
        DatasetFolder("dataset-field-wrong-type", "humaneval", "train.jsonl", Utf8("{\"prompt\": 5, \"canonical_solution\": \"x\"}\n"), "prompt");
        Add("dataset/dataset-folder-empty", w =>
        {
            Directory.CreateDirectory(w.P("data/wikitext2"));
            return Prune(w, "--calibration", "wikitext2", "--data-dir", w.P("data"));
        }, "wikitext2");
        Add("dataset/data-dir-missing", w => Prune(w, "--calibration", "wikitext2", "--data-dir", w.P("nodata")), "wikitext2");
    }

    // --- prune: numbers and paths --------------------------------------------------------------------------------

    private static void PruneNumbersAndPaths()
    {
        foreach (var (name, option, value, names) in new[]
        {
            ("nsamples-zero", "--nsamples", "0", "--nsamples"),
            ("nsamples-negative", "--nsamples", "-3", "--nsamples"),
            ("nsamples-two-billion", "--nsamples", "2000000000", "--nsamples"),
            ("nsamples-a-word", "--nsamples", "lots", "lots"),
            ("nsamples-a-fraction", "--nsamples", "2.5", "2.5"),
            ("seqlen-zero", "--seqlen", "0", "--seqlen"),
            ("seqlen-negative", "--seqlen", "-16", "--seqlen"),
            ("seqlen-huge", "--seqlen", "2000000000", "--seqlen"),
            ("sparsity-zero", "--sparsity", "0", "--sparsity"),
            ("sparsity-one", "--sparsity", "1", "--sparsity"),
            ("sparsity-negative", "--sparsity", "-0.5", "--sparsity"),
            ("sparsity-tiny", "--sparsity", "1e-300", "--sparsity"),
            ("sparsity-nan", "--sparsity", "NaN", "--sparsity"),
            ("sparsity-infinite", "--sparsity", "Infinity", "--sparsity"),
            ("sparsity-a-word", "--sparsity", "half", "half"),
            ("pattern-n-above-m", "--pattern", "3:2", "3:2"),
            ("pattern-m-zero", "--pattern", "2:0", "2:0"),
            ("pattern-n-zero", "--pattern", "0:4", "0:4"),
            ("pattern-a-word", "--pattern", "blocky", "blocky"),
            ("pattern-three-numbers", "--pattern", "2:4:8", "2:4:8"),
            ("pattern-negative", "--pattern", "-2:4", "-2:4"),
            ("pattern-not-dividing-width", "--pattern", "2:3", "M=3"),
            ("method-unknown", "--method", "prune-it", "prune-it"),
            ("method-empty", "--method", " ", "pruning method"),
            ("shards-zero", "--shards", "0", "--shards"),
            ("shards-negative", "--shards", "-1", "--shards"),
            ("dtype-unknown", "--dtype", "fp8", "fp8"),
            ("sampling-unknown", "--sampling", "random", "random"),
            ("seed-a-word", "--seed", "abc", "abc"),
        })
        {
            Add("prune/" + name, w => Prune(w, option, value), names);
        }

        Add("prune/sparsity-disagrees-with-pattern", w => Prune(w, "--pattern", "2:4", "--sparsity", "0.3"), "2:4");
        Add("prune/unknown-option", w => Prune(w, "--learning-rate", "3"), "--learning-rate");
        Add("prune/model-missing", w => Prune(w, "--model", w.P("nomodel")), "nomodel");
        Add("prune/model-a-file", w => Prune(w, "--model", w.Write("model.txt", "x")), "model.txt is a file");
        Add("prune/model-without-config", w => Prune(w, "--model", Directory.CreateDirectory(w.P("bare")).FullName), "config.json");
        Add("prune/out-current-folder", w => Prune(w, "--out", "."), "--out");
        Add("prune/out-parent-of-current-folder", w => Prune(w, "--out", ".."), "--out");
        Add("prune/out-existing-non-empty", w =>
        {
            w.Write("out/keep.txt", "mine");
            return Prune(w);
        }, "--overwrite");
        Add("prune/out-an-existing-file", w =>
        {
            w.Write("out", "a file");
            return Prune(w);
        }, "out");
        Add("prune/out-under-a-file", w =>
        {
            w.Write("afile", "x");
            return Prune(w, "--out", w.P("afile/out"));
        }, "afile is a file");
        Add("prune/out-the-base-model", w => Prune(w, "--out", w.Model, "--overwrite", ""), "--out");
        Add("prune/out-inside-the-base-model", w => Prune(w, "--out", Path.Combine(w.Model, "pruned")), "--out");
        Add("prune/out-a-parent-of-the-base-model", w => Prune(w, "--out", w.Root, "--overwrite", ""), "--out");
        Add("prune/out-missing-value", w => [.. Prune(w, "--out", null), "--out"], "--out");
    }

    // --- eval ---------------------------------------------------------------------------------------------------

    private static void Eval()
    {
        foreach (var (name, option, value, names) in new[]
        {
            ("limit-zero", "--limit", "0", "--limit"),
            ("limit-negative", "--limit", "-5", "--limit"),
            ("domains-unknown", "--domains", "poetry", "poetry"),
            ("domains-empty", "--domains", ",", "domain"),
            ("code-samples-zero", "--code-samples", "0", "--code-samples"),
            ("code-samples-huge", "--code-samples", "100000", "--code-samples"),
            ("translation-samples-zero", "--translation-samples", "0", "--translation-samples"),
            ("code-tokens-zero", "--code-max-tokens", "0", "--code-max-tokens"),
            ("translation-tokens-huge", "--translation-max-tokens", "10000000", "--translation-max-tokens"),
            ("meteor-order-unknown", "--meteor-order", "backwards", "backwards"),
            ("seed-a-word", "--seed", "x1", "x1"),
        })
        {
            Add("eval/" + name, w => Eval(w, option, value), names);
        }

        Add("eval/model-missing", w => Eval(w, "--model", w.P("nomodel")), "nomodel");
        Add("eval/out-in-a-missing-folder", w => Eval(w, "--out", w.P("nodir/eval.json")), "--out");
        Add("eval/out-an-existing-folder", w =>
        {
            Directory.CreateDirectory(w.P("evalout"));
            return Eval(w, "--out", w.P("evalout"));
        }, "evalout is a folder");
        Add("eval/gsm8k-bad-line", w =>
        {
            w.Write("data/gsm8k/test.jsonl", "{\"question\": \"1+1?\", \"answer\": \"#### 2\"}\nnot json\n");
            return Eval(w, "--domains", "math");
        }, "line 2");
        Add("eval/gsm8k-answer-missing", w =>
        {
            w.Write("data/gsm8k/test.jsonl", "{\"question\": \"1+1?\"}\n");
            return Eval(w, "--domains", "math");
        }, "answer");
        Add("eval/wikitext-not-utf8", w =>
        {
            w.WriteBytes("data/wikitext2/test.jsonl", [.. Utf8("{\"text\": \"caf"), 0xE9, .. Utf8("\"}\n")]);
            return Eval(w);
        }, "UTF-8");
        Add("eval/code-samples-file-bad-line", w =>
        {
            var f = w.Write("samples.jsonl", "{\"task_id\": \"BuiltinEval/0\", \"completion\": \"    return 1\\n\"}\n{\n");
            return ["eval", "--code-samples", f, "--benchmark", "builtin_humaneval", "--data-dir", Path.Combine(Shear.Tests.Shared.TestRepo.Root, "data")];
        }, "line 2");
        Add("eval/code-samples-unknown-task", w =>
        {
            var f = w.Write("samples.jsonl", "{\"task_id\": \"NoSuch/9\", \"completion\": \"    return 1\\n\"}\n");
            return ["eval", "--code-samples", f, "--benchmark", "builtin_humaneval", "--data-dir", Path.Combine(Shear.Tests.Shared.TestRepo.Root, "data")];
        }, "NoSuch/9");
        Add("eval/code-samples-unknown-benchmark", w =>
        {
            var f = w.Write("samples.jsonl", "{\"task_id\": \"HumanEval/0\", \"completion\": \"    return 1\\n\"}\n");
            return ["eval", "--code-samples", f, "--benchmark", "leetcode"];
        }, "leetcode");
    }

    // --- sweep files -----------------------------------------------------------------------------------------------

    private static void SweepFiles()
    {
        Sweep("empty", "", "mapping");
        Sweep("a-list", "- a\n- b\n", "mapping");
        Sweep("unclosed-bracket", "models: [a\n", "not valid YAML");
        Sweep("second-document", GoodSweep + "---\nmodels: [b]\n", "second YAML document");
        Sweep("duplicate-field", GoodSweep + "sparsity: 0.6\n", "sparsity");
        Sweep("unknown-field", GoodSweep + "learning_rate: 3\n", "learning_rate");
        Sweep("field-name-a-list", GoodSweep + "[a, b]: 3\n", "field name");
        Sweep("missing-models", GoodSweep.Replace("models: [MODEL]\n", "", StringComparison.Ordinal), "models");
        Sweep("missing-calibrations", GoodSweep.Replace("calibrations: [builtin_code]\n", "", StringComparison.Ordinal), "calibrations");
        Sweep("sparsity-list-with-one-out-of-range", GoodSweep.Replace("sparsity: 0.5", "sparsity: [0.5, 1.5]", StringComparison.Ordinal), "sparsity");
        Sweep("sparsity-list-repeated", GoodSweep.Replace("sparsity: 0.5", "sparsity: [0.5, 0.5]", StringComparison.Ordinal), "sparsity");
        Sweep("sparsity-list-empty", GoodSweep.Replace("sparsity: 0.5", "sparsity: []", StringComparison.Ordinal), "sparsity");
        Sweep("option-out-of-range", GoodSweep + "owl_lambda: 0.7\n", "owl_lambda");
        Sweep("option-of-the-wrong-type", GoodSweep + "dsnot_cycles: many\n", "dsnot_cycles");
        Sweep("option-unknown-name", GoodSweep + "dsnot_skip: everything\n", "dsnot_skip");
        Sweep("one-at-a-time-not-a-flag", GoodSweep + "one_at_a_time: sometimes\n", "one_at_a_time");
        Sweep("sparsity-a-map", GoodSweep.Replace("sparsity: 0.5", "sparsity: {a: 1}", StringComparison.Ordinal), "sparsity");
        Sweep("sparsity-one", GoodSweep.Replace("sparsity: 0.5", "sparsity: 1", StringComparison.Ordinal), "sparsity");
        Sweep("sparsity-nan", GoodSweep.Replace("sparsity: 0.5", "sparsity: .nan", StringComparison.Ordinal), "sparsity");
        Sweep("methods-a-map", GoodSweep.Replace("methods: [wanda]", "methods: {wanda: 1}", StringComparison.Ordinal), "methods");
        Sweep("methods-empty-list", GoodSweep.Replace("methods: [wanda]", "methods: []", StringComparison.Ordinal), "methods");
        Sweep("methods-unknown", GoodSweep.Replace("methods: [wanda]", "methods: [wanda, pruneit]", StringComparison.Ordinal), "pruneit");
        Sweep("methods-twice", GoodSweep.Replace("methods: [wanda]", "methods: [wanda, Wanda]", StringComparison.Ordinal), "twice");
        Sweep("patterns-nested-list", GoodSweep.Replace("patterns: [unstructured]", "patterns: [[\"2:4\"]]", StringComparison.Ordinal), "patterns");
        Sweep("patterns-bad", GoodSweep.Replace("patterns: [unstructured]", "patterns: [\"3:2\"]", StringComparison.Ordinal), "3:2");
        Sweep("domains-unknown", GoodSweep.Replace("domains: [ppl]", "domains: [poetry]", StringComparison.Ordinal), "poetry");
        Sweep("domains-empty-name", GoodSweep.Replace("domains: [ppl]", "domains: [\"\"]", StringComparison.Ordinal), "domains");
        Sweep("calibrations-unknown", GoodSweep.Replace("builtin_code", "nosuchset", StringComparison.Ordinal), "nosuchset");
        Sweep("calibrations-generated-unknown-source", GoodSweep.Replace("builtin_code", "generated:nosuchset", StringComparison.Ordinal), "nosuchset");
        Sweep("nsamples-a-word", GoodSweep + "nsamples: lots\n", "nsamples");
        Sweep("nsamples-two-billion", GoodSweep + "nsamples: 2000000000\n", "nsamples");
        Sweep("nsamples-fraction", GoodSweep + "nsamples: 12.5\n", "nsamples");
        Sweep("seqlen-zero", GoodSweep + "seqlen: 0\n", "seqlen");
        Sweep("seed-a-word", GoodSweep + "seed: abc\n", "seed");
        Sweep("code-samples-negative", GoodSweep + "code_samples: -1\n", "code_samples");
        Sweep("translation-samples-huge", GoodSweep + "translation_samples: 100000\n", "translation_samples");
        Sweep("eval-limit-zero", GoodSweep + "eval_limit: 0\n", "eval_limit");
        Sweep("shards-negative", GoodSweep + "shards: -1\n", "shards");
        Sweep("token-budget-zero", GoodSweep + "token_budget: 0\n", "token_budget");
        Sweep("output-a-list", GoodSweep + "output: [a, b]\n", "output");
        Sweep("data-empty", GoodSweep + "data: \"\"\n", "data");
        SweepBytes("not-utf8", w => [.. Utf8(GoodSweep.Replace("MODEL", w.Model, StringComparison.Ordinal)), .. Utf8("# caf"), 0xE9, 0x0A], "UTF-8");
        Add("sweep/too-large", w =>
        {
            var path = w.Write("sweep.yaml", GoodSweep.Replace("MODEL", w.Model, StringComparison.Ordinal) + "# " + new string('x', 2 << 20) + "\n");
            return ["sweep", "submit", path, "--gateway", "127.0.0.1:1", "--connect-timeout", "1"];
        }, "too large");
        Add("sweep/file-missing", w => ["sweep", "submit", w.P("nothing.yaml"), "--gateway", "127.0.0.1:1"], "nothing.yaml");
        Add("sweep/gateway-not-host-port", w => ["sweep", "status", "x", "--gateway", "localhost"], "--gateway");
    }

    // --- mask folders (compare) ------------------------------------------------------------------------------------

    private static string Masks(Workspace w, string name, string source)
    {
        var dir = w.P(name);
        Workspace.Copy(Path.Combine(MaskSource.Folder, source), dir);
        return dir;
    }

    private static void MaskFolders()
    {
        Add("masks/one-folder", w => ["compare", Masks(w, "a", "wanda"), "--out", w.P("report")], "two");
        Add("masks/folder-missing", w => ["compare", Masks(w, "a", "wanda"), w.P("nothing"), "--out", w.P("report")], "nothing");
        Add("masks/no-masks-in-folder", w => ["compare", Masks(w, "a", "wanda"), Directory.CreateDirectory(w.P("empty")).FullName, "--out", w.P("report")], "empty");
        Add("masks/mask-file-truncated", w =>
        {
            var b = Masks(w, "b", "magnitude");
            var f = Path.Combine(b, "masks", "model.layers.0.self_attn.q_proj.mask.safetensors");
            File.WriteAllBytes(f, File.ReadAllBytes(f)[..100]);
            return ["compare", Masks(w, "a", "wanda"), b, "--out", w.P("report")];
        }, "model.layers.0.self_attn.q_proj.mask.safetensors");
        Add("masks/mask-shape-metadata-bad", w =>
        {
            var b = Masks(w, "b", "magnitude");
            Workspace.EditSafetensors(Path.Combine(b, "masks", "model.layers.0.self_attn.q_proj.mask.safetensors"), h => h["__metadata__"]!["shape"] = "64,x");
            return ["compare", Masks(w, "a", "wanda"), b, "--out", w.P("report")];
        }, "64,x");
        Add("masks/mask-shapes-differ-between-sets", w =>
        {
            var b = Masks(w, "b", "magnitude");
            Workspace.EditSafetensors(Path.Combine(b, "masks", "model.layers.0.self_attn.q_proj.mask.safetensors"), h => h["__metadata__"]!["shape"] = "64,32");
            return ["compare", Masks(w, "a", "wanda"), b, "--out", w.P("report")];
        }, "model.layers.0.self_attn.q_proj");
        Add("masks/same-bad-shape-in-both-sets", w =>
        {
            var a = Masks(w, "a", "wanda");
            var b = Masks(w, "b", "magnitude");
            foreach (var set in new[] { a, b })
            {
                Workspace.EditSafetensors(Path.Combine(set, "masks", "model.layers.0.self_attn.q_proj.mask.safetensors"), h => h["__metadata__"]!["shape"] = "0,64");
            }

            return ["compare", a, b, "--out", w.P("report")];
        }, "model.layers.0.self_attn.q_proj");
        Add("masks/mask-not-a-shear-mask", w =>
        {
            var b = Masks(w, "b", "magnitude");
            Workspace.EditSafetensors(Path.Combine(b, "masks", "model.layers.0.self_attn.q_proj.mask.safetensors"), h => h.Remove("__metadata__"));
            return ["compare", Masks(w, "a", "wanda"), b, "--out", w.P("report")];
        }, "model.layers.0.self_attn.q_proj.mask.safetensors");
        Add("masks/mask-sets-cover-different-linears", w =>
        {
            var b = Masks(w, "b", "magnitude");
            File.Delete(Path.Combine(b, "masks", "model.layers.1.mlp.up_proj.mask.safetensors"));
            return ["compare", Masks(w, "a", "wanda"), b, "--out", w.P("report")];
        }, "model.layers.1.mlp.up_proj");
        Add("masks/out-existing-non-empty", w =>
        {
            w.Write("report/mine.txt", "keep");
            return ["compare", Masks(w, "a", "wanda"), Masks(w, "b", "magnitude"), "--out", w.P("report")];
        }, "--overwrite");
        Add("masks/out-current-folder", w => ["compare", Masks(w, "a", "wanda"), Masks(w, "b", "magnitude"), "--out", "."], "--out");
        Add("masks/out-a-mask-folder", w =>
        {
            var a = Masks(w, "a", "wanda");
            return ["compare", a, Masks(w, "b", "magnitude"), "--out", a, "--overwrite"];
        }, "--out");
        Add("masks/names-count-wrong", w => ["compare", Masks(w, "a", "wanda"), Masks(w, "b", "magnitude"), "--names", "x", "--out", w.P("report")], "--names");
        Add("masks/layer-out-of-range", w => ["compare", Masks(w, "a", "wanda"), Masks(w, "b", "magnitude"), "--layer", "9", "--out", w.P("report")], "--layer");
        Add("masks/matrix-unknown", w => ["compare", Masks(w, "a", "wanda"), Masks(w, "b", "magnitude"), "--matrix", "self_attn.x_proj", "--out", w.P("report")], "self_attn.x_proj");
        Add("masks/dense-without-eval", w => ["compare", Masks(w, "a", "wanda"), Masks(w, "b", "magnitude"), "--dense", w.P("nothing"), "--out", w.P("report")], "nothing");
    }

    // --- other commands --------------------------------------------------------------------------------------------

    private static void Others()
    {
        Add("inspect/model-missing", w => ["inspect", "--model", w.P("nomodel")], "nomodel");
        Add("generate/max-new-tokens-zero", w => ["generate", "--model", w.Model, "--prompt", "hi", "--max-new-tokens", "0"], "--max-new-tokens");
        Add("generate/max-new-tokens-huge", w => ["generate", "--model", w.Model, "--prompt", "hi", "--max-new-tokens", "2000000000"], "--max-new-tokens");
        Add("generate/top-p-zero", w => ["generate", "--model", w.Model, "--prompt", "hi", "--top-p", "0"], "--top-p");
        Add("generate/temperature-negative", w => ["generate", "--model", w.Model, "--prompt", "hi", "--temperature", "-1"], "--temperature");
        Add("generate/top-k-negative", w => ["generate", "--model", w.Model, "--prompt", "hi", "--top-k", "-3"], "--top-k");
        Add("unknown-command", _ => ["prunify"], "prunify");
    }
}

/// <summary>Two pruned copies of the llama fixture (wanda and magnitude), made once, for the mask-folder cases.</summary>
internal static class MaskSource
{
    private static readonly Lazy<string> Made = new(() =>
    {
        var root = Cli.NewDir();
        var model = Path.Combine(Workspace.Fixtures, "models", "llama");
        foreach (var (method, keep) in new[] { ("wanda", "checkpoints"), ("magnitude", "checkpoints"), ("wanda", "masks") })
        {
            var name = keep == "masks" ? $"{method}-masks" : method;
            var (code, _, err) = Cli.Shear("prune", "--model", model, "--method", method, "--calibration", Workspace.Calibration, "--nsamples", "2", "--seqlen", "16",
                "--keep", keep, "--out", Path.Combine(root, name));
            if (code != 0)
            {
                throw new InvalidOperationException($"making the {method} masks failed: {err}");
            }
        }

        return root;
    });

    public static string Folder => Made.Value;
}
