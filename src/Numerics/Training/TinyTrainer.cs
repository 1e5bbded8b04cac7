using System.Diagnostics;
using System.Globalization;
using Shear.Numerics.Data.Builtin;
using Shear.Numerics.Models;
using Shear.Numerics.Tokenization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Shear.Numerics.Training;

/// <summary>
/// Trains the built-in tiny Llama-architecture model on the built-in corpora: a byte-level BPE tokenizer first, then
/// AdamW (weight decay on matrices only) with linear warm-up and cosine decay, gradient clipping at 1, and held-out
/// loss per domain at intervals.
/// </summary>
public sealed class TinyTrainer(TinyTrainingOptions options, string dataDirectory)
{
    /// <summary>Training texts of every built-in set (capped per set as configured).</summary>
    public List<string> TrainTexts() => BuiltinDatasets.Domains.Keys
        .SelectMany(n => Cap(BuiltinDatasets.Texts(dataDirectory, n, "train"))).ToList();

    private IEnumerable<string> Cap(List<string> texts) => options.MaxDocumentsPerSet > 0 ? texts.Take(options.MaxDocumentsPerSet) : texts;

    /// <summary>The model configuration for a tokenizer.</summary>
    public ModelConfig Config(Tokenizer tokenizer) => ModelConfigLoader.Parse("train-tiny", string.Create(CultureInfo.InvariantCulture, $$"""
        {"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":{{options.Hidden}},"intermediate_size":{{options.Intermediate}},
         "num_hidden_layers":{{options.Layers}},"num_attention_heads":{{options.Heads}},"num_key_value_heads":{{options.KvHeads}},
         "vocab_size":{{tokenizer.VocabSize}},"max_position_embeddings":1024,"rms_norm_eps":1e-5,"rope_theta":10000.0,"hidden_act":"silu",
         "tie_word_embeddings":true,"bos_token_id":{{tokenizer.BosTokenId}},"eos_token_id":{{tokenizer.EosTokenId}},"pad_token_id":{{tokenizer.PadTokenId}},
         "torch_dtype":"bfloat16"}
        """));

    /// <summary>Held-out windows per domain (the test splits).</summary>
    public Dictionary<string, List<long[]>> HeldOut(Tokenizer tokenizer) => BuiltinDatasets.TextsByDomain(dataDirectory, "test")
        .ToDictionary(p => p.Key, p => new TokenStream(p.Value, tokenizer, options.Seed).Windows(options.SeqLen + 1, options.EvalWindows));

    /// <summary>
    /// HF/GPT-2 initialisation: matrices N(0, 0.02), the residual output projections (o_proj, down_proj) scaled by
    /// 1/sqrt(2 x layers), biases zero; norms keep their ones. (TorchSharp's defaults, N(0, 1) embeddings in
    /// particular, start a tied-head model at a loss of ~250 nats.)
    /// </summary>
    public static void Initialize(CausalLM model, int layers)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var noGrad = no_grad();
        foreach (var (name, p) in model.named_parameters())
        {
            if (p.dim() < 2)
            {
                if (name.EndsWith(".bias", StringComparison.Ordinal))
                {
                    p.zero_();
                }

                continue;
            }

            bool residual = name.EndsWith("o_proj.weight", StringComparison.Ordinal) || name.EndsWith("down_proj.weight", StringComparison.Ordinal);
            p.normal_(0, residual ? 0.02 / Math.Sqrt(2.0 * layers) : 0.02);
        }
    }

    /// <summary>Mean next-token loss of <paramref name="model"/> over windows.</summary>
    public static double Loss(CausalLM model, IReadOnlyList<long[]> windows)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(windows);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double total = 0;
        foreach (var chunk in windows.Chunk(8))
        {
            var ids = stack(chunk.Select(w => tensor(w)).ToArray());
            total += StepLoss(model, ids).item<float>() * chunk.Length;
        }

        return total / windows.Count;
    }

    /// <summary>Cross-entropy of predicting ids[:, 1:] from ids[:, :-1].</summary>
    public static Tensor StepLoss(CausalLM model, Tensor ids)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(ids);
        long t = ids.shape[1] - 1;
        var logits = model.Forward(ids.narrow(1, 0, t));                              // (B, T, V)
        var targets = ids.narrow(1, 1, t);                                            // (B, T)
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), targets.reshape(-1)); // (B*T, V) vs (B*T)
    }

    /// <summary>Runs the optimizer loop on <paramref name="model"/>; <paramref name="report"/> gets the curve.</summary>
    public List<TrainingPoint> Train(CausalLM model, TokenStream stream, Dictionary<string, List<long[]>> heldOut, Action<TrainingPoint>? report = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(heldOut);
        var decay = model.parameters().Where(p => p.dim() >= 2).ToList();
        var noDecay = model.parameters().Where(p => p.dim() < 2).ToList();
        using var optimizer = optim.AdamW(
            [new AdamW.ParamGroup(decay, options.LearningRate, 0.9, 0.95, 1e-8, options.WeightDecay), new AdamW.ParamGroup(noDecay, options.LearningRate, 0.9, 0.95, 1e-8, 0.0)],
            options.LearningRate);
        var curve = new List<TrainingPoint>();
        var clock = Stopwatch.StartNew();
        double sinceLast = 0;
        int count = 0;
        for (int step = 0; step < options.Steps; step++)
        {
            using var scope = NewDisposeScope();
            double lr = options.LearningRateAt(step);
            foreach (var group in optimizer.ParamGroups)
            {
                group.LearningRate = lr;
            }

            var ids = tensor(Enumerable.Range(0, options.Batch).SelectMany(_ => stream.Next(options.SeqLen + 1)).ToArray()).reshape(options.Batch, options.SeqLen + 1);
            optimizer.zero_grad();
            var loss = StepLoss(model, ids);
            loss.backward();
            nn.utils.clip_grad_norm_(model.parameters(), 1.0);
            optimizer.step();
            sinceLast += loss.item<float>();
            count++;
            bool evaluate = (step + 1) % options.EvalEvery == 0 || step + 1 == options.Steps;
            if (evaluate || (step + 1) % 10 == 0)
            {
                var held = evaluate ? heldOut.ToDictionary(p => p.Key, p => Loss(model, p.Value)) : null;
                var point = new TrainingPoint(step + 1, sinceLast / count, lr, held, clock.Elapsed.TotalSeconds);
                if (evaluate)
                {
                    curve.Add(point);
                }

                report?.Invoke(point);
                (sinceLast, count) = (0, 0);
            }
        }

        return curve;
    }
}
