using System.Globalization;
using System.Numerics;
using Shear.Grains.Abstractions;
using Shear.Numerics.Data.Registry;
using Shear.Numerics.Experiment;
using Shear.Numerics.Runtime;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Shear.Client.Sweeps;

/// <summary>
/// A sweep file (YAML) read strictly: one document, a mapping of known fields, each of the shape it needs (a name or a
/// list of names, a number within bounds); every dataset, method, pattern and domain is parsed here, once, into the
/// Numerics types, and the spec carries their canonical spellings. Errors are <c>FILE:LINE: reason</c>, before
/// anything is submitted.
/// </summary>
internal static class SweepFile
{
    /// <summary>Every key a sweep file may have: the sweep's own, then every method option of <c>shear prune</c> (its flag in snake_case).</summary>
    public static readonly string[] Keys =
    [
        "models", "calibrations", "methods", "patterns", "sparsity", "domains", "nsamples", "seqlen", "seed", "eval_limit", "output", "data",
        "code_samples", "translation_samples", "code_max_tokens", "translation_max_tokens", "shards", "token_budget", "keep", "dtype", "one_at_a_time",
        .. MethodOptions.Flags.Select(MethodOptions.KeyOf),
    ];

    /// <summary>Largest sweep file read (a sweep file is a few lines).</summary>
    private const long MaxBytes = 1 << 20;

    /// <summary>Reads and checks <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">The first problem, with file and line.</exception>
    public static SweepSpec Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new ArgumentException($"{path}: no such sweep file");
        }

        if (new FileInfo(path).Length > MaxBytes)
        {
            throw new ArgumentException($"{path}: {new FileInfo(path).Length} bytes is too large for a sweep file (at most {MaxBytes})");
        }

        var yaml = new YamlStream();
        try
        {
            using var reader = new StreamReader(path, new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true));
            yaml.Load(reader);
        }
        catch (YamlException e)
        {
            throw new ArgumentException($"{path}:{e.Start.Line}: not valid YAML ({UserError.OneLine(e)})");
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw new ArgumentException($"{path}: not UTF-8 text");
        }

        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ArgumentException($"{path}:1: a sweep file is a mapping of {string.Join(", ", Keys)}");
        }

        if (yaml.Documents.Count > 1)
        {
            throw new ArgumentException($"{path}:{yaml.Documents[1].RootNode.Start.Line}: a second YAML document; a sweep file is one mapping");
        }

        return new Reader(path, root).Spec();
    }

    private sealed class Reader
    {
        private readonly string _path;
        private readonly YamlMappingNode _root;
        private readonly Dictionary<string, YamlNode> _fields = [];

        public Reader(string path, YamlMappingNode root)
        {
            (_path, _root) = (path, root);
            foreach (var (keyNode, value) in root.Children)
            {
                var key = keyNode is YamlScalarNode { Value: { } k } ? k : Fail<string>(keyNode, "a field name must be a plain name");
                if (!Keys.Contains(key))
                {
                    Fail<string>(keyNode, $"unknown field '{key}' (known: {string.Join(", ", Keys)})");
                }

                if (!_fields.TryAdd(key, value))
                {
                    Fail<string>(keyNode, $"field '{key}' given twice");
                }
            }
        }

        public SweepSpec Spec()
        {
            var sparsities = Sparsities();
            var models = Names("models", null, m => Path.GetFullPath(m)); // relative to the current folder, as command-line paths
            // Each entry one dataset or one mixture (quoted in a YAML list: "builtin_code:0.5,builtin_math:0.5").
            var calibrations = Names("calibrations", null, c =>
            {
                try
                {
                    return CalibrationSource.Resolve(c);
                }
                catch (ArgumentException e) when (e.Message.StartsWith("calibration mixture", StringComparison.Ordinal))
                {
                    throw new ArgumentException(e.Message + " (in a YAML list, quote a mixture: \"builtin_code:0.5,builtin_math:0.5\")");
                }
            });
            var methods = Names("methods", [new MethodChoice(PruningMethod.Wanda)], MethodChoice.Parse);
            var patterns = Names("patterns", [SparsityPattern.Unstructured(0.5)], p => SparsityPattern.Parse(p, null)); // each is checked; the sweep's list is below
            var domains = Names("domains", [.. EvalDomains.All], EvalDomains.Parse, mayBeEmpty: true); // [] : prune only, no evaluation
            int nsamples = Number("nsamples", 128, 1, RunBounds.MaxSamples), seqlen = Number("seqlen", 2048, 1, RunBounds.MaxSeqLen);
            var eval = new EvalSettings
            {
                Limit = Optional("eval_limit", int.MaxValue), CodeSamples = Optional("code_samples", RunBounds.MaxSamplesPerItem),
                TranslationSamples = Optional("translation_samples", RunBounds.MaxSamplesPerItem),
                CodeMaxNewTokens = Optional("code_max_tokens", RunBounds.MaxNewTokens), TranslationMaxNewTokens = Optional("translation_max_tokens", RunBounds.MaxNewTokens),
            };
            SparsityPattern[] every = [.. patterns.SelectMany(p => SparsityPattern.AtEach(p.ToString(), sparsities))];
            return new SweepSpec(models, calibrations, methods, every, domains, nsamples, seqlen, Number("seed", 0L, long.MinValue, long.MaxValue), eval,
                Path.GetFullPath(Name("output", "sweeps")), Path.GetFullPath(Name("data", "data")))
            {
                Shards = Number("shards", 0, 0, 4096),
                TokenBudget = Number("token_budget", 16384, 1, RunBounds.MaxTokenBudget),
                Keep = Keep(),
                DType = DType(),
                Options = Options(),
                OneAtATime = Flag("one_at_a_time"),
            };
        }

        // A yes/no field: true or false.
        private bool Flag(string key) =>
            _fields.TryGetValue(key, out var node) && (node is YamlScalarNode { Value: "true" or "false" } v
                ? v.Value == "true"
                : Fail<bool>(node, $"{key}: expected true or false, not {Shape(node)}"));

        // sparsity: a number or a list of numbers, each strictly between 0 and 1 (unstructured patterns prune at each).
        private double[] Sparsities()
        {
            if (!_fields.TryGetValue("sparsity", out var node))
            {
                return [0.5];
            }

            YamlNode[] items = node is YamlSequenceNode seq ? [.. seq.Children] : [node];
            if (items.Length == 0)
            {
                Fail<int>(node, "sparsity: the list is empty");
            }

            var values = new List<double>();
            foreach (var item in items)
            {
                if (item is not YamlScalarNode { Value: { } v } || !double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var s))
                {
                    return Fail<double[]>(item, $"sparsity: expected a number or a list of numbers, got {Shape(item)}");
                }

                if (!(s > 0 && s < 1))
                {
                    Fail<int>(item, $"sparsity: must be strictly between 0 and 1 (got {v})");
                }

                if (values.Contains(s))
                {
                    Fail<int>(item, $"sparsity: {v} is listed twice");
                }

                values.Add(s);
            }

            return [.. values];
        }

        // Every method option of shear prune under its flag's name in snake_case, checked as shear prune checks it.
        private MethodOptions Options()
        {
            var options = MethodOptions.Default;
            foreach (var (flag, fallback) in MethodOptions.Default.Entries())
            {
                var key = MethodOptions.KeyOf(flag);
                if (_fields.TryGetValue(key, out var node))
                {
                    object value = fallback switch
                    {
                        int => Number(key, 0, int.MinValue, int.MaxValue),
                        double => Number(key, 0.0, double.MinValue, double.MaxValue),
                        _ => node is YamlScalarNode { Value: { Length: > 0 } v } ? v : Fail<string>(node, $"{key}: expected a name, not {Shape(node)}"),
                    };
                    options = options.With(flag, value);
                    try
                    {
                        (MethodOptions.Default.With(flag, value)).Validate();
                    }
                    catch (ArgumentException e)
                    {
                        Fail<int>(node, key + UserError.OneLine(e)[flag.Length..]);
                    }
                }
            }

            return options;
        }

        private T Fail<T>(YamlNode node, string reason) => throw new ArgumentException($"{_path}:{node.Start.Line}: {reason}");

        // A list of names (or one name), each checked and turned into its canonical spelling.
        private T[] Names<T>(string key, T[]? fallback, Func<string, T> parse, bool mayBeEmpty = false)
        {
            if (!_fields.TryGetValue(key, out var node))
            {
                return fallback ?? [Fail<T>(_root, $"missing field '{key}'")];
            }

            YamlNode[] items = node switch
            {
                YamlSequenceNode seq => [.. seq.Children],
                YamlScalarNode => [node],
                _ => [Fail<YamlNode>(node, $"{key}: expected a name or a list of names, not a mapping")],
            };
            if (items.Length == 0 && !mayBeEmpty)
            {
                Fail<int>(node, $"{key}: the list is empty");
            }

            var names = new List<T>();
            foreach (var item in items)
            {
                var text = item is YamlScalarNode { Value: { Length: > 0 } v } ? v : Fail<string>(item, $"{key}: expected a name, not {Shape(item)}");
                try
                {
                    names.Add(parse(text));
                }
                catch (Exception e) when (e is ArgumentException or Numerics.Data.DataFormatException)
                {
                    Fail<int>(item, $"{key}: {UserError.OneLine(e)}");
                }
            }

            if (names.Distinct().Count() != names.Count)
            {
                var twice = names.GroupBy(n => n).First(g => g.Count() > 1).Key;
                Fail<int>(node, $"{key}: {(twice is EvalDomain d ? EvalDomains.Name(d) : twice)} is listed twice");
            }

            return [.. names];
        }

        // keep: masks (the default: sub-models as masks over their base) or checkpoints.
        private KeepMode Keep() =>
            !_fields.TryGetValue("keep", out var node) ? KeepModes.SweepDefault
                : node is YamlScalarNode { Value: { } v } ? Parsed(node, () => KeepModes.Parse(v, "keep:"))
                : Fail<KeepMode>(node, $"keep: expected masks or checkpoints, not {Shape(node)}");

        // dtype: for every job and evaluation; absent: each device's default (bf16 on CUDA, fp32 on CPU).
        private ComputeDType? DType() =>
            !_fields.TryGetValue("dtype", out var node) ? null
                : node is YamlScalarNode { Value: { } v } ? Parsed(node, () => ComputeDTypes.Parse(v, "dtype:"))
                : Fail<ComputeDType>(node, $"dtype: expected fp32, bf16 or fp16, not {Shape(node)}");

        // A value parsed by the vocabulary; its one-line reason, at the node's line.
        private T Parsed<T>(YamlNode node, Func<T> parse)
        {
            try
            {
                return parse();
            }
            catch (ArgumentException e)
            {
                return Fail<T>(node, UserError.OneLine(e));
            }
        }

        private string Name(string key, string fallback)
        {
            if (!_fields.TryGetValue(key, out var node))
            {
                return fallback;
            }

            return node is YamlScalarNode { Value: { Length: > 0 } v } ? v : Fail<string>(node, $"{key}: expected a folder name, not {Shape(node)}");
        }

        private T Number<T>(string key, T fallback, T min, T max)
            where T : INumber<T>
        {
            if (!_fields.TryGetValue(key, out var node))
            {
                return fallback;
            }

            if (node is not YamlScalarNode { Value: { } v } || !T.TryParse(v, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var n)
                || (typeof(T) != typeof(double) && !T.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out n)))
            {
                return Fail<T>(node, $"{key}: expected {(typeof(T) == typeof(double) ? "a number" : "a whole number")}, got {Shape(node)}");
            }

            if (n < min || n > max || (n is double d && !double.IsFinite(d)))
            {
                return Fail<T>(node, $"{key}: {v} is out of range ({min.ToString(null, CultureInfo.InvariantCulture)} to {max.ToString(null, CultureInfo.InvariantCulture)})");
            }

            return n;
        }

        private int? Optional(string key, int max) => _fields.ContainsKey(key) ? Number(key, 0, 1, max) : null;

        private static string Shape(YamlNode node) => node switch
        {
            YamlScalarNode { Value: { Length: > 0 } v } => $"'{(v.Length > 40 ? v[..40] + "..." : v)}'",
            YamlScalarNode => "an empty value",
            YamlSequenceNode => "a list",
            _ => "a mapping",
        };
    }
}
