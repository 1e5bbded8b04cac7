using System.Text.Json.Serialization;
using Shear.Numerics.Data.Generated;
using Shear.Numerics.Experiment;

namespace Shear.Numerics.Pruning;

/// <summary>One layer's outcome, as recorded in pruning.json.</summary>
/// <param name="Index">Layer index.</param>
/// <param name="Sparsity">Fraction of exact zeros over the layer's Linear weights after pruning.</param>
/// <param name="Linears">The same per Linear.</param>
/// <param name="Seconds">Wall time of the layer (statistics pass, masks, apply, forward).</param>
public sealed record LayerReport(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("sparsity")] double Sparsity,
    [property: JsonPropertyName("linears")] IReadOnlyDictionary<string, double> Linears,
    [property: JsonPropertyName("seconds")] double Seconds)
{
    /// <summary>Exact zeros over the layer's Linear weights.</summary>
    [JsonPropertyName("zeros")]
    public long Zeros { get; init; }

    /// <summary>Elements of the layer's Linear weights.</summary>
    [JsonPropertyName("total")]
    public long Total { get; init; }

    /// <summary>Seconds of the job's own part of the layer's mask step (reduce; masks unless the shards compute them; apply, write): what no shard count shortens; 0 where not measured.</summary>
    [JsonPropertyName("serial_seconds")]
    public double SerialSeconds { get; init; }

    /// <summary>Seconds of the whole mask step, from the shards' statistics to the written layer (the shards' masks included): what every shard waits for.</summary>
    [JsonPropertyName("mask_seconds")]
    public double MaskSeconds { get; init; }

    /// <summary>Linears pruned by magnitude because no calibration token reached them (a mixture's unrouted experts); null where none (most layers).</summary>
    [JsonPropertyName("pruned_by_magnitude"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? ByMagnitude { get; init; }

    /// <summary>Real calibration tokens the layer's statistics saw (telemetry; not in pruning.json).</summary>
    [JsonIgnore]
    public long Tokens { get; init; }

    /// <summary>Exact zeros over all given layers (the reference's check_sparsity total).</summary>
    public static double TotalSparsity(IEnumerable<LayerReport> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var list = layers.ToList();
        return (double)list.Sum(l => l.Zeros) / list.Sum(l => l.Total);
    }
}

/// <summary>Where calibration came from.</summary>
/// <param name="Dataset">Dataset name or file path.</param>
/// <param name="Mode">Sampling mode (windows, examples, none).</param>
/// <param name="Seed">Sampling seed.</param>
/// <param name="NSamples">Samples drawn.</param>
/// <param name="SeqLen">Window length / length cap in tokens.</param>
/// <param name="Tokens">Real tokens the statistics saw.</param>
public sealed record CalibrationReport(
    [property: JsonPropertyName("dataset")] string Dataset,
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("seed")] long Seed,
    [property: JsonPropertyName("nsamples")] int NSamples,
    [property: JsonPropertyName("seqlen")] int SeqLen,
    [property: JsonPropertyName("tokens")] long Tokens)
{
    /// <summary>Each part of the calibration set (one for a single dataset), with what was drawn from it, in the order drawn.</summary>
    [JsonPropertyName("parts")]
    public IReadOnlyList<CalibrationPartReport> Parts { get; init; } = [];
}

/// <summary>One part of a calibration set and what was drawn from it.</summary>
/// <param name="Dataset">The dataset (name, NAME@CONFIG or file).</param>
/// <param name="NSamples">Samples drawn from it.</param>
/// <param name="Tokens">Their tokens.</param>
public sealed record CalibrationPartReport(
    [property: JsonPropertyName("dataset")] string Dataset,
    [property: JsonPropertyName("nsamples")] int NSamples,
    [property: JsonPropertyName("tokens")] long Tokens)
{
    /// <summary>For a generated part: texts generated and kept, the perplexity threshold, the settings; absent otherwise.</summary>
    [JsonPropertyName("generation")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public GenerationSummary? Generation { get; init; }
}

/// <summary>The calibration samples of a prune, how they were drawn, and what each part of the set gave.</summary>
/// <param name="Samples">Token ids per sample, parts in the order given.</param>
/// <param name="Mode">Sampling mode (windows, examples, none).</param>
/// <param name="Parts">Per part.</param>
public sealed record CalibrationDraw(List<int[]> Samples, string Mode, IReadOnlyList<CalibrationPartReport> Parts)
{
    /// <summary>The texts of each generated part, in order (written beside the output as <see cref="GeneratedCorpus.FileName"/>); none without one.</summary>
    public IReadOnlyList<GeneratedCorpus> Generated { get; init; } = [];

    /// <summary>No calibration (magnitude).</summary>
    public static CalibrationDraw None => new([], "none", []);
}

/// <summary>pruning.json: what was done to a model and what came out.</summary>
public sealed record PruningReport
{
    /// <summary>The base checkpoint.</summary>
    [JsonPropertyName("base_model")]
    public required string BaseModel { get; init; }

    /// <summary>Method name.</summary>
    [JsonPropertyName("method")]
    public required string Method { get; init; }

    /// <summary><c>unstructured</c> or <c>n:m</c>.</summary>
    [JsonPropertyName("pattern")]
    public required string Pattern { get; init; }

    /// <summary>Target sparsity.</summary>
    [JsonPropertyName("sparsity")]
    public required double Sparsity { get; init; }

    /// <summary>Calibration data.</summary>
    [JsonPropertyName("calibration")]
    public required CalibrationReport Calibration { get; init; }

    /// <summary>Per-layer outcome.</summary>
    [JsonPropertyName("layers")]
    public required IReadOnlyList<LayerReport> Layers { get; init; }

    /// <summary>Fraction of exact zeros over all decoder-layer Linear weights.</summary>
    [JsonPropertyName("total_sparsity")]
    public required double TotalSparsity { get; init; }

    /// <summary>Wall time of the whole run, seconds.</summary>
    [JsonPropertyName("seconds")]
    public required double Seconds { get; init; }

    /// <summary>Compute dtype used.</summary>
    [JsonPropertyName("dtype")]
    public required string DType { get; init; }

    /// <summary>What the folder keeps: <c>checkpoints</c> (weight files) or <c>masks</c> (over the base, <c>submodel.json</c>).</summary>
    [JsonPropertyName("keep")]
    public string Keep { get; init; } = "checkpoints";

    /// <summary>The method's own settings (RIA's exponent, DSnoT's cycles, threshold, variance power and skipped module; none for the others).</summary>
    [JsonPropertyName("method_settings")]
    public IReadOnlyDictionary<string, object> MethodSettings { get; init; } = new Dictionary<string, object>();

    /// <summary>The method options the run used, by their sweep-file keys (<c>owl_lambda</c>, <c>ria_exponent</c>, ...): its method's and OWL's when it used OWL; what reproduces it.</summary>
    [JsonPropertyName("options")]
    public IReadOnlyDictionary<string, object> Options { get; init; } = new Dictionary<string, object>();

    /// <summary>The settings of <paramref name="spec"/>'s method that change its result beyond method and pattern.</summary>
    public static Dictionary<string, object> SettingsOf(PruneSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var settings = OwnSettings(spec);
        if (spec.Owl is { } owl)
        {
            settings["owl"] = new Dictionary<string, object>
            {
                ["m"] = owl.M, ["lambda"] = owl.Lambda,
                ["outlier_ratios"] = spec.OutlierRatios ?? [], ["layer_sparsities"] = spec.LayerSparsities ?? [],
            };
        }

        return settings;
    }

    /// <summary>The options <paramref name="spec"/> uses (its method's, OWL's when it uses OWL) by their sweep-file keys (the flags in snake_case).</summary>
    public static Dictionary<string, object> OptionsOf(PruneSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var used = new List<string>();
        used.AddRange(spec.Method switch
        {
            PruningMethod.Ria => ["--ria-"],
            PruningMethod.Dsnot => ["--dsnot-"],
            PruningMethod.SparseGpt => ["--sparsegpt-"],
            _ => [],
        });
        if (spec.Owl is not null)
        {
            used.Add("--owl-");
        }

        return spec.Options.Entries().Where(e => used.Any(u => e.Flag.StartsWith(u, StringComparison.Ordinal)))
            .ToDictionary(e => MethodOptions.KeyOf(e.Flag), e => e.Value);
    }

    private static Dictionary<string, object> OwnSettings(PruneSpec spec)
    {
        return spec.Method switch
        {
            PruningMethod.Ria => new() { ["exponent"] = spec.RiaExponent },
            PruningMethod.Dsnot => new()
            {
                ["initial"] = spec.Dsnot.Initial, ["max_cycles"] = spec.Dsnot.MaxCycles, ["update_threshold"] = spec.Dsnot.UpdateThreshold,
                ["variance_power"] = spec.Dsnot.VariancePower, ["skip_layer"] = spec.Dsnot.SkipLayer,
            },
            PruningMethod.SparseGpt => new() { ["block_size"] = spec.SparseGptBlockSize, ["percdamp"] = spec.PercDamp },
            _ => [],
        };
    }

    /// <summary>The report of a run of <paramref name="request"/> (single-process or through the grains).</summary>
    /// <param name="request">What was run.</param>
    /// <param name="draw">The calibration samples, how they were drawn and from which parts (none when the method needs none).</param>
    /// <param name="layers">Per-layer outcomes in order.</param>
    /// <param name="totalSparsity">Exact zeros over the decoder-layer Linears.</param>
    /// <param name="seconds">Wall time.</param>
    public static PruningReport Of(PruneRequest request, CalibrationDraw draw, IReadOnlyList<LayerReport> layers, double totalSparsity, double seconds)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(draw);
        return new PruningReport
        {
            BaseModel = Path.GetFullPath(request.Model),
            Method = PruningMethods.Name(request.Spec.Method, request.Spec.Owl is not null),
            Pattern = request.Spec.Pattern.ToString(),
            Sparsity = request.Spec.Pattern.Ratio,
            Calibration = new CalibrationReport(draw.Samples.Count > 0 ? request.Calibration!.ToString() : "none", draw.Mode, request.Seed, draw.Samples.Count, request.SeqLen,
                draw.Samples.Sum(s => (long)s.Length)) { Parts = draw.Parts },
            Layers = layers,
            TotalSparsity = totalSparsity,
            Seconds = seconds,
            DType = request.DType.ToString(),
            MethodSettings = SettingsOf(request.Spec),
            Options = OptionsOf(request.Spec),
        };
    }
}
