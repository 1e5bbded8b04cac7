using System.Diagnostics;
using Shear.Numerics.Checkpoints;
using Shear.Numerics.Data.Generated;
using Shear.Numerics.Data.Registry;
using Shear.Numerics.Experiment;
using Shear.Numerics.Models;
using Shear.Numerics.Pruning.Loop;
using Shear.Numerics.Runtime;
using Shear.Numerics.Tokenization;

namespace Shear.Numerics.Pruning;

/// <summary>
/// One pruning run in this process (<c>shear prune</c>): validate everything first (nothing is written on bad input),
/// draw calibration samples, run the <see cref="LayerLoop"/> with in-process shards (streamed: one layer in memory,
/// the output written layer by layer in the base's dtypes), then complete the output atomically.
/// </summary>
public static class LocalPruneJob
{
    /// <summary>Runs <paramref name="request"/> with <paramref name="shards"/> in-process shards; returns the report that was written.</summary>
    public static PruningReport Run(PruneRequest request, IProgress<LayerLoop.Progress>? progress = null, Action<string>? warn = null, int shards = 1)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        Validate(request);
        var draw = request.Spec.NeedsCalibration ? Calibration(request, warn, progress: progress) : CalibrationDraw.None;
        var samples = draw.Samples;
        var options = new ModelOptions(request.DType, DeviceName: request.Device);
        using var output = PrunedModelWriter.Create(request.Model, request.Out, request.Overwrite, request.Keep);
        WriteGenerated(draw, output);
        var started = new List<InProcessShard>();
        try
        {
            if (request.Spec.Owl is not null)
            {
                request = request with { Spec = Owl(request, samples, options, shards, progress) };
            }

            if (MethodStatistics.Needs(request.Spec.Method) != StatisticsKind.None)
            {
                var spec = request.Spec;
                started.AddRange(StartShards(spec, samples, shards, (s, count) => new ShardSetup(request.Model, output.Staging, spec, samples, options, s, count, 0)));
            }

            var layers = LayerLoop.RunAsync(request.Model, request.Spec, options, output, started, InlineCompute.Instance, progress: progress)
                .GetAwaiter().GetResult();
            var report = PruningReport.Of(request, draw, layers, LayerReport.TotalSparsity(layers), clock.Elapsed.TotalSeconds);
            output.Complete(report);
            return report;
        }
        finally
        {
            started.ForEach(s => s.Dispose());
        }
    }

    // Up to `shards` in-process shards of the spec's batches (at most one per batch), each started from its setup.
    private static List<InProcessShard> StartShards(PruneSpec spec, List<int[]> samples, int shards, Func<int, int, ShardSetup> setup)
    {
        int count = ShardSetup.Count(shards, ActivationSet.Plan(samples.Select(s => s.Length).ToList(), spec.TokenBudget).Count);
        var started = new List<InProcessShard>();
        try
        {
            for (int s = 0; s < count; s++)
            {
                started.Add(InProcessShard.StartAsync(setup(s, count), InlineCompute.Instance).GetAwaiter().GetResult());
            }

            return started;
        }
        catch
        {
            started.ForEach(s => s.Dispose());
            throw;
        }
    }

    // OWL's pass over the dense model with its own shards (ShardSetup.Dense).
    private static PruneSpec Owl(PruneRequest request, List<int[]> samples, ModelOptions options, int shards, IProgress<LayerLoop.Progress>? progress)
    {
        var dense = StartShards(request.Spec, samples, shards, (s, count) => ShardSetup.Dense(request.Model, request.Spec, samples, options, s, count, 0));
        try
        {
            return LayerLoop.OwlAsync(request.Model, request.Spec, options, dense, InlineCompute.Instance, progress).GetAwaiter().GetResult();
        }
        finally
        {
            dense.ForEach(s => s.Dispose());
        }
    }

    /// <summary>Checks a request before any work: counts, the output folder, the model's config and weights, the pattern against every Linear.</summary>
    /// <exception cref="ArgumentException">A bad count or a pattern that does not fit a Linear.</exception>
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

        if (request.Spec.TokenBudget is <= 0 or > RunBounds.MaxTokenBudget)
        {
            throw new ArgumentException($"token budget {request.Spec.TokenBudget} is out of range (1 to {RunBounds.MaxTokenBudget})");
        }

        if (request.Spec.Owl is { } owl)
        {
            owl.Validate();
            if (!request.Spec.Pattern.IsNofM && request.Spec.Pattern.Ratio + (2 * owl.Lambda) >= 1)
            {
                throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"--owl-lambda {owl.Lambda} with --sparsity {request.Spec.Pattern.Ratio}: OWL's layer sparsities reach up to sparsity + 2 x lambda, which must stay below 1"));
            }
        }

        ModelConfigLoader.RequireFolder(request.Model);
        PrunedModelWriter.CheckOutput(Path.GetFullPath(request.Out), request.Overwrite, request.Model);
        using var source = ModelSource.Open(request.Model); // a bad config.json fails here, before any work
        var (config, checkpoint) = (source.Config, source.Reader);
        if (request.Spec.NeedsCalibration)
        {
            RunBounds.CheckCalibration(request.NSamples, request.SeqLen, config.HiddenSize);
        }

        source.CheckLayers(); // a missing or misshapen weight fails now, not at its layer
        foreach (var name in checkpoint.Names.Where(PrunedLinears.IsWeight))
        {
            var shape = checkpoint.Entry(name).Shape;
            var linear = name[..^".weight".Length];
            request.Spec.Pattern.Validate(shape[^1], linear);
            // Magnitude and RIA compare over the whole matrix, the others within each row.
            long group = request.Spec.Method is PruningMethod.Magnitude or PruningMethod.Ria ? shape.Aggregate(1L, (a, b) => a * b) : shape[^1];
            if (!request.Spec.Pattern.IsNofM && (long)(group * request.Spec.Pattern.Ratio) == 0)
            {
                throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"--sparsity {request.Spec.Pattern.Ratio} prunes no weight of {linear} (groups of {group} weights): use at least {1.0 / group:G4}"));
            }
        }
    }

    /// <summary>
    /// Draws the calibration samples of a request (its tokenizer, dataset or mixture, mode, count, length and seed). A
    /// generated part's texts are read from <paramref name="generated"/> when that folder holds them (a staged output
    /// that <see cref="WriteGenerated"/> wrote), else generated by the dense base model (<see cref="SelfGeneratedCalibration"/>),
    /// each batch reported to <paramref name="progress"/> as stage <c>generate</c> (texts done of texts planned).
    /// </summary>
    public static CalibrationDraw Calibration(PruneRequest request, Action<string>? warn, string? generated = null, IProgress<LayerLoop.Progress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Calibration is null)
        {
            throw new ArgumentException($"method {PruningMethods.Name(request.Spec.Method)} needs --calibration (a dataset name, a .txt/.jsonl file or a mixture)");
        }

        var tokenizer = TokenizerLoader.LoadFor(request.Model, ModelConfigLoader.Load(request.Model));
        var settings = SelfGenerationSettings.Paper;
        var corpora = SelfGeneratedCalibration.ForSet(request.Calibration, request.Model, new ModelOptions(request.DType, DeviceName: request.Device), tokenizer,
            request.DataDirectory, new SelfGeneratedCalibration.Run(request.NSamples, request.SeqLen, request.Seed, request.Spec.TokenBudget), settings, generated,
            (done, planned) => progress?.Report(new LayerLoop.Progress(done, planned, "generate")), warn);
        var bySource = corpora.ToDictionary(c => c.Source);
        var (samples, mode, parts) = CalibrationSource.Draw(request.Calibration, request.DataDirectory, tokenizer, request.Mode,
            request.NSamples, request.SeqLen, request.Seed, warn, d => bySource[d.Source!.ToString()].Kept);
        return new CalibrationDraw(samples, mode.ToString().ToLowerInvariant(), [.. parts.Select((p, i) => new CalibrationPartReport(p.Part, p.Samples, p.Tokens)
        {
            Generation = request.Calibration.Parts[i].Dataset.Source is { } source ? GenerationSummary.Of(bySource[source.ToString()], settings) : null,
        })]) { Generated = corpora };
    }

    /// <summary>Writes the generated texts of <paramref name="draw"/>, if any, into the staged output (<see cref="GeneratedCorpus.FileName"/>).</summary>
    public static void WriteGenerated(CalibrationDraw draw, PrunedModelWriter output)
    {
        ArgumentNullException.ThrowIfNull(draw);
        ArgumentNullException.ThrowIfNull(output);
        if (draw.Generated.Count > 0)
        {
            GeneratedCorpus.Write(output.Staging, draw.Generated);
        }
    }
}
