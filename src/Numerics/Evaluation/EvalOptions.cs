using Shear.Numerics.Evaluation.Translation;

namespace Shear.Numerics.Evaluation;

/// <summary>Reports progress of one benchmark: items done out of items.</summary>
/// <param name="benchmark">The benchmark (e.g. <c>arc_easy</c>, <c>ppl/code</c>).</param>
/// <param name="done">Items finished.</param>
/// <param name="total">Items in all.</param>
public delegate void EvalProgress(string benchmark, int done, int total);

/// <summary>What <c>shear eval</c> runs and how (defaults: the thesis's settings).</summary>
public sealed record EvalOptions
{
    /// <summary>Domains to evaluate (<see cref="EvalBenchmarks.Domains"/>).</summary>
    public IReadOnlyList<string> Domains { get; init; } = EvalBenchmarks.Domains;

    /// <summary>Items per benchmark (perplexity: windows per text); null = all of a real benchmark and <see cref="BuiltinItems"/> of a built-in one.</summary>
    public int? Limit { get; init; }

    /// <summary>Items of a built-in stand-in benchmark evaluated when no <see cref="Limit"/> is given (enough for a standard error of ~5 points on an accuracy).</summary>
    public const int BuiltinItems = 100;

    /// <summary>Folder with the benchmark files (<c>NAME/</c>) and the built-in sets (<c>builtin/NAME/</c>).</summary>
    /// <value>Default <c>data</c>.</value>
    public string DataDirectory { get; init; } = "data";

    /// <summary>The Hub config read per benchmark name where not the default one (<c>--benchmark-config NAME@CONFIG</c>, <see cref="EvalBenchmarks.Configs"/>).</summary>
    /// <value>Default none: each benchmark's <see cref="EvalBenchmark.Config"/>.</value>
    public IReadOnlyDictionary<string, string> BenchmarkConfigs { get; init; } = new Dictionary<string, string>();

    /// <summary>Base seed of every sampled generation.</summary>
    public long Seed { get; init; }

    /// <summary>Samples per code problem (the thesis: 10; pass@1 and pass@10 from them).</summary>
    /// <value>Default 10.</value>
    public int CodeSamples { get; init; } = 10;

    /// <summary>New tokens per code sample (the thesis: 500).</summary>
    /// <value>Default 500.</value>
    public int CodeMaxNewTokens { get; init; } = 500;

    /// <summary>Samples per sentence, the best kept (the thesis: 5).</summary>
    /// <value>Default 5.</value>
    public int TranslationSamples { get; init; } = 5;

    /// <summary>New tokens per translation sample.</summary>
    /// <value>Default 128.</value>
    public int TranslationMaxNewTokens { get; init; } = 128;

    /// <summary>METEOR's argument order.</summary>
    /// <value>Default <see cref="MeteorOrder.Conventional"/>.</value>
    public MeteorOrder MeteorOrder { get; init; } = MeteorOrder.Conventional;

    /// <summary>Where WordNet is (METEOR's synonyms).</summary>
    /// <value>Default <c>/usr/share/wordnet</c>.</value>
    public string WordNetDirectory { get; init; } = WordNetLexicon.DefaultDirectory;

    /// <summary>Whether commonsense requests start with BOS (the reference, Wanda's lm-eval, leaves it off).</summary>
    public bool CommonsenseBos { get; init; }

    /// <summary>Wall-clock limit of one generated program.</summary>
    /// <value>Default 10 s (DeepSeek's).</value>
    public TimeSpan SandboxTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Run generated code even where bubblewrap cannot isolate it (an explicit opt-in, as lm-eval and bigcode ask for).</summary>
    /// <value>Default false: code evaluation refuses to run without isolation.</value>
    public bool AllowUnisolatedCode { get; init; }

    /// <summary>Torch device of the model (generated code still runs on the CPU, in the sandbox).</summary>
    /// <value>Default <c>cpu</c>.</value>
    public string Device { get; init; } = "cpu";

    /// <summary>Compute dtype of the model.</summary>
    /// <value>Default fp32.</value>
    public TorchSharp.torch.ScalarType DType { get; init; } = TorchSharp.torch.ScalarType.Float32;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">An unknown domain or a non-positive count (named).</exception>
    public void Validate()
    {
        if (Domains.Count == 0)
        {
            throw new ArgumentException($"no domain to evaluate (known: {string.Join(", ", EvalBenchmarks.Domains)})");
        }

        foreach (var d in Domains)
        {
            if (EvalBenchmarks.Domain(d) != d)
            {
                throw new ArgumentException($"domain '{d}' is not spelled as Shear spells it ('{EvalBenchmarks.Domain(d)}')");
            }
        }

        if (Domains.Contains("code") && !AllowUnisolatedCode && Code.PythonSandbox.WhyUnavailable is { } why)
        {
            throw new Code.SandboxUnavailableException($"code evaluation refuses to run generated code without isolation: {why}; {Code.PythonSandbox.EnableHint}, or pass --allow-unisolated-code to run it anyway");
        }

        EvalBenchmarks.Configs(BenchmarkConfigs.Select(c => $"{c.Key}@{c.Value}"));
        InRange("--limit", Limit ?? 1, int.MaxValue);
        InRange("--code-samples", CodeSamples, Runtime.RunBounds.MaxSamplesPerItem);
        InRange("--translation-samples", TranslationSamples, Runtime.RunBounds.MaxSamplesPerItem);
        InRange("--code-max-tokens", CodeMaxNewTokens, Runtime.RunBounds.MaxNewTokens);
        InRange("--translation-max-tokens", TranslationMaxNewTokens, Runtime.RunBounds.MaxNewTokens);
    }

    private static void InRange(string option, int value, int max)
    {
        if (value < 1 || value > max)
        {
            throw new ArgumentException($"{option} {value} is out of range (1 to {max})");
        }

    }
}
