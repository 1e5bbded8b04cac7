using System.CommandLine;
using System.Globalization;
using Shear.Numerics.Data;
using Shear.Numerics.Data.Registry;
using Shear.Numerics.Experiment;
using Shear.Numerics.Models;
using Shear.Numerics.Pruning;

namespace Shear.Client.Commands;

/// <summary><c>shear prune</c>: prune a local checkpoint layer by layer (no cluster).</summary>
internal static class PruneCommand
{
    public static Command Create(TextWriter stdout)
    {
        var model = new Option<string>("--model") { Description = "Base HF checkpoint folder (default: the built-in tiny model)", DefaultValueFactory = _ => Path.Combine("models", "shear-tiny") };
        var method = new Option<string>("--method") { Description = "wanda, wanda-variant, magnitude, sparsegpt, ria or dsnot (DSnoT refining Wanda's mask); owl+METHOD = --owl", DefaultValueFactory = _ => "wanda" };
        var riaExponent = new Option<double>("--ria-exponent") { Description = "RIA: exponent of the input norms (its authors' --a)", DefaultValueFactory = _ => MethodOptions.Default.RiaExponent };
        var dsnotCycles = new Option<int>("--dsnot-cycles") { Description = "DSnoT: most prune-and-grow cycles per Linear", DefaultValueFactory = _ => MethodOptions.Default.DsnotCycles };
        var dsnotThreshold = new Option<double>("--dsnot-threshold") { Description = "DSnoT: a row stops at this |reconstruction error|", DefaultValueFactory = _ => MethodOptions.Default.DsnotThreshold };
        var keep = new Option<string>("--keep") { Description = "checkpoints (a full HF checkpoint) or masks (masks over the base; shear export makes the checkpoint)", DefaultValueFactory = _ => "checkpoints" };
        var owl = new Option<bool>("--owl") { Description = "OWL: layer sparsities from each layer's outlier ratio on the dense model (with any method)" };
        var owlM = new Option<double>("--owl-m") { Description = "OWL: a Wanda score above M x the layer's mean is an outlier", DefaultValueFactory = _ => MethodOptions.Default.OwlM };
        var owlLambda = new Option<double>("--owl-lambda") { Description = "OWL: layer sparsities within sparsity +/- lambda", DefaultValueFactory = _ => MethodOptions.Default.OwlLambda };
        var blockSize = new Option<int>("--sparsegpt-blocksize") { Description = "SparseGPT: column block width", DefaultValueFactory = _ => MethodOptions.Default.SparseGptBlockSize };
        var damp = new Option<double>("--sparsegpt-damp") { Description = "SparseGPT: dampening, a fraction of the mean Hessian diagonal", DefaultValueFactory = _ => MethodOptions.Default.SparseGptDamp };
        var dsnotInitial = new Option<string>("--dsnot-initial") { Description = "DSnoT: the initial mask's metric (wanda, magnitude or sparsegpt)", DefaultValueFactory = _ => MethodOptions.Default.DsnotInitial };
        var dsnotSkip = new Option<string>("--dsnot-skip") { Description = "DSnoT: Linears under this module keep Wanda's mask (mlp, self_attn or none)", DefaultValueFactory = _ => MethodOptions.Default.DsnotSkip };
        var sparsity = new Option<double?>("--sparsity") { Description = "Fraction pruned in (0, 1); with N:M it must equal n/m" };
        var pattern = new Option<string>("--pattern") { Description = "unstructured, or N:M such as 2:4 or 4:8", DefaultValueFactory = _ => "unstructured" };
        var calibration = new Option<string?>("--calibration") { Description = "Calibration: a dataset name (shear data list), a .txt / .jsonl ('text' field) file, generated[:SOURCE] (text the dense model continues from SOURCE's prefixes, default builtin_text) or a mixture NAME:SHARE,...", DefaultValueFactory = _ => "builtin_text" };
        var dataDir = new Option<string>("--data-dir") { Description = "Folder with one sub-folder per dataset (built-in sets in its builtin/)", DefaultValueFactory = _ => "data" };
        var mode = new Option<string>("--sampling") { Description = "auto, windows (Wanda's c4 rule) or examples (the thesis's)", DefaultValueFactory = _ => "auto" };
        var nsamples = new Option<int>("--nsamples") { Description = "Calibration samples", DefaultValueFactory = _ => 128 };
        var seqlen = new Option<int?>("--seqlen") { Description = "Tokens per window / length cap (default: the model's max_position_embeddings, as Wanda sets it, at most 4096)" };
        var seed = new Option<long>("--seed") { Description = "Sampling seed", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Output folder (must not exist or be empty)", Required = true };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace a non-empty --out" };
        var shards = new Option<int>("--shards") { Description = "Split the calibration batches into this many data-parallel shards (same result for any count)", DefaultValueFactory = _ => 1 };
        var compute = new ComputeOptions();
        var command = new Command("prune", "Prune a model layer by layer (Wanda, magnitude, SparseGPT, RIA, DSnoT) and save it in HF layout")
        {
            model, method, sparsity, pattern, calibration, dataDir, mode, nsamples, seqlen, seed, output, overwrite, shards, riaExponent, dsnotCycles, dsnotThreshold, dsnotSkip, dsnotInitial, owl, owlM, owlLambda, blockSize, damp, keep,
        };
        compute.AddTo(command);
        command.SetAction(parse =>
        {
            var options = compute.Resolve(parse);
            var spec = SpecFrom(parse);
            var request = new PruneRequest(parse.GetValue(model)!, spec, parse.GetValue(calibration) is { } c ? CalibrationSource.Resolve(c) : null, ParseMode(parse.GetValue(mode)!),
                parse.GetValue(nsamples), parse.GetValue(seqlen) ?? DefaultSeqLen(parse.GetValue(model)!), parse.GetValue(seed), parse.GetValue(output)!, parse.GetValue(overwrite))
            {
                DType = options.DType,
                Device = options.DeviceName,
                DataDirectory = parse.GetValue(dataDir)!,
                Keep = KeepModes.Parse(parse.GetValue(keep)!),
            };
            if (parse.GetValue(shards) <= 0)
            {
                throw new ArgumentException($"--shards must be positive, got {parse.GetValue(shards)}");
            }

            var report = LayerProgressDisplay.Run(stdout, progress => LocalPruneJob.Run(request, progress, stdout.WriteLine, parse.GetValue(shards)));
            PrintSparsityCheck(stdout, report);
            stdout.WriteLine($"wrote {Path.GetFullPath(request.Out)} in {report.Seconds:F1} s");
            return 0;
        });
        return command;
    }

    /// <summary>The method, pattern and every method option of a parsed <c>shear prune</c> command line (one flag per <see cref="MethodOptions"/> entry).</summary>
    /// <exception cref="ArgumentException">A value out of range (named by its flag).</exception>
    internal static PruneSpec SpecFrom(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var options = MethodOptions.Default;
        foreach (var (flag, fallback) in MethodOptions.Default.Entries())
        {
            options = options.With(flag, fallback switch
            {
                int => parse.GetValue<int>(flag),
                double => parse.GetValue<double>(flag),
                _ => (object)parse.GetValue<string>(flag)!,
            });
        }

        options.Validate();
        var (chosen, owlPrefix) = PruningMethods.ParseWithOwl(parse.GetValue<string>("--method")!);
        return PruneSpec.Of(chosen, parse.GetValue<bool>("--owl") || owlPrefix, ParsePattern(parse.GetValue<string>("--pattern")!, parse.GetValue<double?>("--sparsity")), options);
    }

    private static SparsityPattern ParsePattern(string pattern, double? sparsity)
    {
        if (sparsity is { } s && !(s > 0 && s < 1))
        {
            throw new ArgumentException($"--sparsity must be strictly between 0 and 1, got {s.ToString(CultureInfo.InvariantCulture)}");
        }

        return SparsityPattern.Parse(pattern, sparsity);
    }

    /// <summary>Wanda's model.seqlen: the model's max_position_embeddings, here capped at 4096 (long-context models).</summary>
    private static int DefaultSeqLen(string model)
    {
        ModelConfigLoader.RequireFolder(model);
        return Math.Min(ModelConfigLoader.Load(model).MaxPositionEmbeddings, 4096);
    }

    private static SamplingMode? ParseMode(string mode) => mode.ToLowerInvariant() switch
    {
        "auto" => null,
        "windows" => SamplingMode.Windows,
        "examples" => SamplingMode.Examples,
        _ => throw new ArgumentException($"--sampling must be auto, windows or examples, got '{mode}'"),
    };

    /// <summary>Prints per-layer and total sparsity as the reference's check_sparsity does.</summary>
    private static void PrintSparsityCheck(TextWriter stdout, PruningReport report)
    {
        foreach (var layer in report.Layers)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"layer {layer.Index} sparsity {layer.Sparsity:F6}"));
        }

        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sparsity sanity check {report.TotalSparsity:F4}"));
    }
}
