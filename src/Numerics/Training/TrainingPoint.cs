using System.Text.Json.Serialization;

namespace Shear.Numerics.Training;

/// <summary>One point of the training curve.</summary>
/// <param name="Step">Optimizer steps done.</param>
/// <param name="TrainLoss">Mean training loss since the previous point.</param>
/// <param name="LearningRate">Learning rate of the last step.</param>
/// <param name="HeldOutLoss">Held-out loss per domain, when evaluated at this point.</param>
/// <param name="Seconds">Wall time since the start.</param>
public sealed record TrainingPoint(
    [property: JsonPropertyName("step")] int Step,
    [property: JsonPropertyName("train_loss")] double TrainLoss,
    [property: JsonPropertyName("lr")] double LearningRate,
    [property: JsonPropertyName("held_out_loss")] IReadOnlyDictionary<string, double>? HeldOutLoss,
    [property: JsonPropertyName("seconds")] double Seconds);
