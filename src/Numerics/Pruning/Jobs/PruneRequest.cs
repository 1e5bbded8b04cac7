using Shear.Numerics.Data;
using Shear.Numerics.Experiment;
using static TorchSharp.torch;

namespace Shear.Numerics.Pruning;

/// <summary>A local pruning run: base model, method, calibration, output.</summary>
/// <param name="Model">Base checkpoint folder.</param>
/// <param name="Spec">Method and pattern.</param>
/// <param name="Calibration">A dataset (<c>builtin_math</c>, <c>gsm8k@main</c>, a .txt/.jsonl file) or a mixture of them; unused by magnitude.</param>
/// <param name="Mode">Sampling mode, or null to choose from the documents.</param>
/// <param name="NSamples">Samples to draw.</param>
/// <param name="SeqLen">Window length / length cap.</param>
/// <param name="Seed">Sampling seed.</param>
/// <param name="Out">Output folder.</param>
/// <param name="Overwrite">Replace a non-empty output folder.</param>
public sealed record PruneRequest(string Model, PruneSpec Spec, CalibrationSet? Calibration, SamplingMode? Mode, int NSamples, int SeqLen, long Seed, string Out, bool Overwrite)
{
    /// <summary>Folder with one sub-folder per dataset; built-in sets under its <c>builtin/</c>.</summary>
    /// <value>Default <c>data</c>.</value>
    public string DataDirectory { get; init; } = "data";

    /// <summary>Compute dtype.</summary>
    /// <value>Default fp32.</value>
    public ScalarType DType { get; init; } = ScalarType.Float32;

    /// <summary>Torch device of every layer step (<c>cpu</c>, <c>cuda:0</c> ...; resolved by <see cref="Runtime.Devices"/>).</summary>
    /// <value>Default <c>cpu</c>.</value>
    public string Device { get; init; } = "cpu";

    /// <summary>What the output keeps: a full checkpoint, or masks over the base (<see cref="Checkpoints.SubModel"/>).</summary>
    /// <value>Default <see cref="KeepMode.Checkpoints"/>.</value>
    public KeepMode Keep { get; init; } = KeepMode.Checkpoints;
}
