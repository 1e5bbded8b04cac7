namespace Shear.Numerics.Training;

/// <summary>Hyper-parameters of <c>shear train-tiny</c>.</summary>
public sealed record TinyTrainingOptions
{
    /// <summary>Vocabulary size of the BPE tokenizer trained first.</summary>
    public int VocabSize { get; init; } = 4096;

    /// <summary>Decoder layers.</summary>
    public int Layers { get; init; } = 4;

    /// <summary>Residual width.</summary>
    public int Hidden { get; init; } = 256;

    /// <summary>MLP width.</summary>
    public int Intermediate { get; init; } = 688;

    /// <summary>Query heads.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Key/value heads.</summary>
    public int KvHeads { get; init; } = 2;

    /// <summary>Training sequence length.</summary>
    public int SeqLen { get; init; } = 256;

    /// <summary>Sequences per step.</summary>
    public int Batch { get; init; } = 16;

    /// <summary>Optimizer steps.</summary>
    public int Steps { get; init; } = 1200;

    /// <summary>Peak learning rate (AdamW).</summary>
    public double LearningRate { get; init; } = 3e-3;

    /// <summary>Linear warm-up steps before the cosine decay.</summary>
    public int Warmup { get; init; } = 60;

    /// <summary>Final learning rate as a fraction of the peak.</summary>
    public double MinLearningRateFraction { get; init; } = 0.1;

    /// <summary>Decoupled weight decay on matrices (not norms).</summary>
    public double WeightDecay { get; init; } = 0.1;

    /// <summary>Held-out evaluation every this many steps.</summary>
    public int EvalEvery { get; init; } = 100;

    /// <summary>Held-out windows per domain.</summary>
    public int EvalWindows { get; init; } = 16;

    /// <summary>Seed of initialisation, shuffling and splits.</summary>
    public long Seed { get; init; }

    /// <summary>Documents per built-in set used for training (0 = all); tests use a small slice.</summary>
    public int MaxDocumentsPerSet { get; init; }

    /// <summary>Cosine schedule with linear warm-up: the learning rate at <paramref name="step"/> (0-based).</summary>
    public double LearningRateAt(int step)
    {
        if (step < Warmup)
        {
            return LearningRate * (step + 1) / Warmup;
        }

        double progress = (double)(step - Warmup) / Math.Max(1, Steps - Warmup);
        double min = LearningRate * MinLearningRateFraction;
        return min + (0.5 * (LearningRate - min) * (1 + Math.Cos(Math.PI * Math.Min(1.0, progress))));
    }
}
