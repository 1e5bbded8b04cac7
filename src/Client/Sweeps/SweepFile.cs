using System.Globalization;
using Shear.Grains.Abstractions;
using Shear.Numerics.Data.Registry;
using Shear.Numerics.Evaluation;
using Shear.Numerics.Pruning;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Shear.Client.Sweeps;

/// <summary>
/// A sweep file (YAML) read strictly: every key known, every dataset/method/pattern/domain checked, errors as
/// <c>FILE:LINE: reason</c> before anything is submitted.
/// </summary>
internal static class SweepFile
{
    public static readonly string[] Keys =
    [
        "models", "calibrations", "methods", "patterns", "sparsity", "domains", "nsamples", "seqlen", "seed", "eval_limit", "output", "data",
        "code_samples", "translation_samples", "code_max_tokens", "translation_max_tokens", "shards", "token_budget",
    ];

    /// <summary>Reads and checks <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">The first problem, with file and line.</exception>
    public static SweepSpec Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new ArgumentException($"{path}: no such sweep file");
        }

        var yaml = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            yaml.Load(reader);
        }
        catch (YamlException e)
        {
            throw new ArgumentException($"{path}:{e.Start.Line}: not valid YAML ({e.Message})");
        }

        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ArgumentException($"{path}:1: a sweep file is a mapping of {string.Join(", ", Keys)}");
        }

        var fields = new Dictionary<string, YamlNode>();
        foreach (var (keyNode, value) in root.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            if (!Keys.Contains(key))
            {
                throw new ArgumentException($"{path}:{keyNode.Start.Line}: unknown field '{key}' (known: {string.Join(", ", Keys)})");
            }

            fields[key] = value;
        }

        string Fail(YamlNode node, string reason) => throw new ArgumentException($"{path}:{node.Start.Line}: {reason}");
        string[] List(string key, string[]? fallback = null)
        {
            if (!fields.TryGetValue(key, out var node))
            {
                return fallback ?? [Fail(root, $"missing field '{key}'")];
            }

            return node switch
            {
                YamlSequenceNode seq => [.. seq.Children.Select(c => c is YamlScalarNode s ? s.Value ?? "" : Fail(c, $"{key}: expected a list of names"))],
                YamlScalarNode s => [s.Value ?? ""],
                _ => [Fail(node, $"{key}: expected a list of names")],
            };
        }

        T Number<T>(string key, T fallback)
            where T : IParsable<T>
        {
            if (!fields.TryGetValue(key, out var node))
            {
                return fallback;
            }

            return node is YamlScalarNode { Value: { } v } && T.TryParse(v, CultureInfo.InvariantCulture, out var n) ? n : (T)(object)Fail(node, $"{key}: expected a number");
        }

        void Check(string key, Action<string> check)
        {
            if (!fields.TryGetValue(key, out var node))
            {
                return;
            }

            var items = node is YamlSequenceNode seq ? seq.Children : [node];
            foreach (var item in items)
            {
                try
                {
                    check(((YamlScalarNode)item).Value ?? "");
                }
                catch (Exception e) when (e is ArgumentException or Numerics.Data.DataFormatException)
                {
                    Fail(item, $"{key}: {UserError.OneLine(e)}");
                }
            }
        }

        double sparsity = Number("sparsity", 0.5);
        Check("calibrations", c =>
        {
            if (!File.Exists(c))
            {
                DatasetRegistry.Find(c);
            }
        });
        Check("methods", m => PruningMethods.Parse(m));
        Check("patterns", p => SparsityPattern.Parse(p, p == "unstructured" ? sparsity : null));
        Check("domains", d =>
        {
            if (!EvalBenchmarks.Domains.Contains(d))
            {
                throw new ArgumentException($"unknown domain '{d}' (known: {string.Join(", ", EvalBenchmarks.Domains)})");
            }
        });
        int nsamples = Number("nsamples", 128), seqlen = Number("seqlen", 2048);
        if (nsamples <= 0 || seqlen <= 0)
        {
            Fail(fields.GetValueOrDefault(nsamples <= 0 ? "nsamples" : "seqlen", root), "must be positive");
        }

        int? Optional(string key)
        {
            int? value = fields.ContainsKey(key) ? Number(key, 0) : null;
            if (value is <= 0)
            {
                Fail(fields[key], $"{key} must be positive");
            }

            return value;
        }

        var eval = new EvalSettings
        {
            Limit = Optional("eval_limit"), CodeSamples = Optional("code_samples"), TranslationSamples = Optional("translation_samples"),
            CodeMaxNewTokens = Optional("code_max_tokens"), TranslationMaxNewTokens = Optional("translation_max_tokens"),
        };

        int shards = Number("shards", 0);
        if (shards < 0)
        {
            Fail(fields["shards"], "shards must be 0 (every silo) or positive");
        }

        if (fields.ContainsKey("token_budget") && Number("token_budget", 16384) <= 0)
        {
            Fail(fields["token_budget"], "token_budget must be positive");
        }

        static string Full(string p) => Path.GetFullPath(p); // relative to the current folder, as command-line paths
        return new SweepSpec([.. List("models").Select(Full)], [.. List("calibrations").Select(c => File.Exists(Full(c)) ? Full(c) : c)],
            List("methods", ["wanda"]), List("patterns", ["unstructured"]), sparsity, List("domains", [.. EvalBenchmarks.Domains]),
            nsamples, seqlen, Number("seed", 0L), eval,
            Full(fields.TryGetValue("output", out var o) ? ((YamlScalarNode)o).Value ?? "sweeps" : "sweeps"),
            Full(fields.TryGetValue("data", out var d) ? ((YamlScalarNode)d).Value ?? "data" : "data"))
        {
            Shards = shards,
            TokenBudget = Number("token_budget", 16384),
        };
    }
}
