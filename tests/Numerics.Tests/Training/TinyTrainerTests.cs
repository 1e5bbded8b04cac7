using Shear.Numerics.Models;
using Shear.Numerics.Tokenization;
using Shear.Numerics.Training;
using static TorchSharp.torch;

namespace Shear.Numerics.Tests.Training;

public sealed class TinyTrainerTests
{
    private static string Data => Path.Combine(ArchitectureTests.RepoRoot(), "data", "builtin");

    [Fact]
    public void TwentyStepsOnASmallSliceLowerTheLoss()
    {
        var options = new TinyTrainingOptions
        {
            VocabSize = 600, Layers = 2, Hidden = 64, Intermediate = 160, Heads = 4, KvHeads = 2, SeqLen = 64, Batch = 8,
            Steps = 20, Warmup = 4, LearningRate = 1e-2, EvalEvery = 20, EvalWindows = 2, MaxDocumentsPerSet = 40,
        };
        var trainer = new TinyTrainer(options, Data);
        var texts = trainer.TrainTexts();
        Assert.Equal(6 * 40, texts.Count);
        var dir = Fixtures.TempDir();
        BpeTrainer.Save(dir, BpeTrainer.LearnMerges(texts, options.VocabSize));
        var tokenizer = TokenizerLoader.Load(dir);
        manual_seed(0);
        using var model = new CausalLM(trainer.Config(tokenizer));
        TinyTrainer.Initialize(model, options.Layers);
        var heldOut = trainer.HeldOut(tokenizer);
        double before = heldOut.Values.Average(w => TinyTrainer.Loss(model, w));
        // At initialisation the loss is that of a uniform guess over the vocabulary: ln(V).
        Assert.InRange(before, Math.Log(tokenizer.VocabSize) - 0.1, Math.Log(tokenizer.VocabSize) + 0.1);
        var points = new List<TrainingPoint>();
        trainer.Train(model, new TokenStream(texts, tokenizer, 0), heldOut, points.Add);
        Assert.Equal([10, 20], points.Select(p => p.Step));
        double after = points[1].HeldOutLoss!.Values.Average();
        Assert.True(after < before - 0.3, $"held-out loss {before:F3} -> {after:F3}");
        Assert.True(points[1].TrainLoss < points[0].TrainLoss, $"train loss {points[0].TrainLoss:F3} -> {points[1].TrainLoss:F3}");
    }

    [Fact]
    public void ScheduleWarmsUpLinearlyThenDecaysToTheFloor()
    {
        var o = new TinyTrainingOptions { LearningRate = 1e-3, Warmup = 10, Steps = 110, MinLearningRateFraction = 0.1 };
        Assert.Equal(1e-4, o.LearningRateAt(0), 12);
        Assert.Equal(1e-3, o.LearningRateAt(9), 12);
        Assert.Equal(1e-3, o.LearningRateAt(10), 12);
        Assert.Equal(0.55e-3, o.LearningRateAt(60), 12); // halfway: min + (max - min) / 2
        Assert.Equal(1e-4, o.LearningRateAt(110), 12);
    }
}
