using System.Text.Json;
using Shear.Numerics.Checkpoints;
using Shear.Numerics.IO;
using Shear.Numerics.Models;
using Shear.Numerics.Tokenization;
using static TorchSharp.torch;

namespace Shear.Numerics.Training;

/// <summary>Everything <c>shear train-tiny</c> records beside the checkpoint (training.json).</summary>
/// <param name="Options">Hyper-parameters.</param>
/// <param name="Parameters">Parameter count.</param>
/// <param name="TrainTokens">Tokens in the training stream.</param>
/// <param name="InitialHeldOutLoss">Held-out loss per domain at initialisation.</param>
/// <param name="Curve">Training curve with held-out losses.</param>
/// <param name="Seconds">Wall time.</param>
public sealed record TinyTrainingReport(TinyTrainingOptions Options, long Parameters, long TrainTokens,
    IReadOnlyDictionary<string, double> InitialHeldOutLoss, IReadOnlyList<TrainingPoint> Curve, double Seconds);

/// <summary>Trains the tokenizer and the tiny model and writes them in HF layout (temp folder, then rename).</summary>
public static class TinyModelBuilder
{
    /// <summary>Runs the whole build; <paramref name="log"/> gets progress lines, <paramref name="report"/> the curve.</summary>
    public static TinyTrainingReport Run(string dataDirectory, string output, TinyTrainingOptions options, Action<string>? log = null, Action<TrainingPoint>? report = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var full = Path.GetFullPath(output);
        // Retraining replaces a tiny model Shear made (its marker says so), never another folder.
        OutputFolder.Check(full, overwrite: true, OutputKind.TinyModel);
        var temp = OutputFolder.Stage(full, OutputKind.TinyModel);
        try
        {
            var result = Build(dataDirectory, temp, options, log, report);
            OutputFolder.Commit(temp, full);
            return result;
        }
        finally
        {
            OutputFolder.Abandon(temp);
        }
    }

    private static TinyTrainingReport Build(string dataDirectory, string temp, TinyTrainingOptions options, Action<string>? log, Action<TrainingPoint>? report)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var trainer = new TinyTrainer(options, dataDirectory);
        var texts = trainer.TrainTexts();
        log?.Invoke($"training a {options.VocabSize}-token BPE tokenizer on {texts.Count} documents");
        BpeTrainer.Save(temp, BpeTrainer.LearnMerges(texts, options.VocabSize));
        var tokenizer = TokenizerLoader.Load(temp);
        var stream = new TokenStream(texts, tokenizer, options.Seed);
        var heldOut = trainer.HeldOut(tokenizer);
        var config = trainer.Config(tokenizer);
        manual_seed(options.Seed);
        using var model = new CausalLM(config);
        TinyTrainer.Initialize(model, options.Layers);
        long parameters = model.parameters().Sum(p => p.numel());
        var initial = heldOut.ToDictionary(p => p.Key, p => TinyTrainer.Loss(model, p.Value));
        log?.Invoke($"{parameters:N0} parameters, {stream.Length:N0} training tokens; held-out loss at init {string.Join(", ", initial.Select(p => $"{p.Key} {p.Value:F3}"))}");
        var curve = trainer.Train(model, stream, heldOut, report);
        using (var scope = NewDisposeScope())
        {
            var tensors = model.StateDict().Select(p => new KeyValuePair<string, Tensor>(p.Key, p.Value.detach().to_type(ScalarType.BFloat16))).ToList();
            CheckpointWriter.Write(temp, tensors);
        }

        AtomicFile.WriteAllText(Path.Combine(temp, "config.json"), JsonSerializer.Serialize(config, JsonOptions.IndentedWithoutNulls));
        var result = new TinyTrainingReport(options, parameters, stream.Length, initial, curve, clock.Elapsed.TotalSeconds);
        AtomicFile.WriteAllText(Path.Combine(temp, "training.json"), JsonSerializer.Serialize(result, JsonOptions.Indented));
        return result;
    }
}
