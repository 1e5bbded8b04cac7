using System.Diagnostics;
using Shear.Numerics.Checkpoints;
using Shear.Numerics.Data.Registry;
using Shear.Numerics.Models;
using Shear.Numerics.Tokenization;

namespace Shear.Numerics.Pruning;

/// <summary>
/// One pruning run in this process (<c>shear prune</c>): validate everything first (nothing is written on bad input),
/// draw calibration samples, prune layer by layer, write the pruned checkpoint, masks and pruning.json atomically.
/// </summary>
public static class LocalPruneJob
{
    /// <summary>Runs <paramref name="request"/>; returns the report that was written.</summary>
    public static PruningReport Run(PruneRequest request, IProgress<SequentialPruner.Progress>? progress = null, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        bool calibrate = PruningMethods.Needs(request.Spec.Method) != StatisticsKind.None;
        Validate(request);
        using var checkpoint = CheckpointReader.Open(request.Model);
        var (samples, mode) = calibrate ? Calibration(request, warn) : ([], "none");
        using var model = CausalLM.Load(request.Model, new ModelOptions(request.DType));
        using var writer = PrunedModelWriter.Create(request.Model, request.Out, request.Overwrite);
        var layers = SequentialPruner.Run(model, samples, request.Spec, writer.WriteMasks, progress);
        var report = PruningReport.Of(request, mode, samples, layers, TotalSparsity(model), clock.Elapsed.TotalSeconds);
        writer.Complete(model, checkpoint, report);
        return report;
    }

    /// <summary>Checks a request before any work: counts, the output folder, the model's config.</summary>
    /// <exception cref="ArgumentException">A bad count.</exception>
    /// <exception cref="IOException">The output exists and is not empty.</exception>
    public static void Validate(PruneRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.NSamples <= 0)
        {
            throw new ArgumentException($"--nsamples must be positive, got {request.NSamples}");
        }

        if (request.SeqLen <= 0)
        {
            throw new ArgumentException($"--seqlen must be positive, got {request.SeqLen}");
        }

        PrunedModelWriter.CheckOutput(Path.GetFullPath(request.Out), request.Overwrite);
        ModelConfigLoader.Load(request.Model); // a bad config.json fails here, before any work
    }

    /// <summary>Draws the calibration samples of a request (its tokenizer, dataset, mode, count, length and seed).</summary>
    public static (List<int[]> Samples, string Mode) Calibration(PruneRequest request, Action<string>? warn)
    {
        if (string.IsNullOrEmpty(request.Calibration))
        {
            throw new ArgumentException($"method {PruningMethods.Name(request.Spec.Method)} needs --calibration (a dataset name or a .txt/.jsonl file)");
        }

        var tokenizer = TokenizerLoader.Load(request.Model);
        var (samples, mode) = CalibrationSource.Draw(request.Calibration, request.DataDirectory, tokenizer, request.Mode,
            request.NSamples, request.SeqLen, request.Seed, warn);
        return (samples, mode.ToString().ToLowerInvariant());
    }

    /// <summary>Exact zeros over all decoder-layer Linear weights (the reference's check_sparsity total).</summary>
    public static double TotalSparsity(CausalLM model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var counts = model.Layers.Select(LayerPruner.CountZeros).ToList();
        return (double)counts.Sum(c => c.Zeros) / counts.Sum(c => c.Total);
    }
}
