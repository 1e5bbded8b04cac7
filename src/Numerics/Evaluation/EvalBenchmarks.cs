namespace Shear.Numerics.Evaluation;

/// <summary>
/// The benchmarks of each domain (the thesis's), and the built-in held-out set each domain falls back to when none of
/// its real benchmarks is in the data folder.
/// </summary>
public static class EvalBenchmarks
{
    /// <summary>The domains, in the thesis's table order.</summary>
    public static readonly IReadOnlyList<string> Domains = Experiment.EvalDomains.Names;

    /// <summary>Every benchmark, real ones first within a domain, each with its Hub config (lm-eval's and the thesis's choice).</summary>
    public static readonly IReadOnlyList<EvalBenchmark> All =
    [
        new("humaneval", "code", "openai HumanEval.jsonl(.gz), DeepSeek humaneval-python.jsonl, or openai/openai_humaneval (openai_humaneval/test-*.parquet)", []) { Config = "openai_humaneval", AlsoIn = ["openai_humaneval"] },
        new("mbpp", "code", "mbpp.jsonl (974 rows; test = task_ids 11..510) or google-research-datasets/mbpp full/ (its test split)", []) { Config = "full" },
        new("builtin_humaneval", "code", "built in: 20 HumanEval-format problems", ["test"]),
        new("boolq", "csr", "google/boolq or super_glue boolq (validation)", ["validation", "val", "dev"]),
        new("winogrande", "csr", "allenai/winogrande winogrande_xl (validation)", ["validation", "dev"]) { Config = "winogrande_xl" },
        new("arc_easy", "csr", "allenai/ai2_arc ARC-Easy (test), also found in ai2_arc/ARC-Easy", ["test"]) { Config = "ARC-Easy", AlsoIn = ["ai2_arc"] },
        new("arc_challenge", "csr", "allenai/ai2_arc ARC-Challenge (test), also found in ai2_arc/ARC-Challenge", ["test"]) { Config = "ARC-Challenge", AlsoIn = ["ai2_arc"] },
        new("hellaswag", "csr", "Rowan/hellaswag (validation)", ["validation", "val"]),
        new("openbookqa", "csr", "allenai/openbookqa main (test)", ["test"]) { Config = "main" },
        new("builtin_commonsense", "csr", "built in: WordNet questions (openbookqa format)", ["test"]),
        new("wmt14", "translation", "wmt/wmt14 fr-en {translation: {en, fr}} (the test split if present, else the train shards)", ["test"]) { Config = "fr-en" },
        new("opus_books", "translation", "Helsinki-NLP/opus_books en-fr (second half of train, as the thesis)", ["train"]) { Config = "en-fr" },
        new("builtin_translation", "translation", "built in: gettext fr catalogs (opus_books format)", ["test"]),
        new("gsm8k", "math", "openai grade-school-math test.jsonl or openai/gsm8k main (test)", ["test"]) { Config = "main" },
        new("builtin_math", "math", "built in: GSM8K-format word problems", ["test"]),
        new("wikitext2", "ppl", "Salesforce/wikitext wikitext-2-raw-v1 test rows {text}, also found in wikitext/wikitext-2-raw-v1", ["test"]) { Config = "wikitext-2-raw-v1", AlsoIn = ["wikitext"] },
    ];

    /// <summary>The canonical name of a domain given on a command line or in a sweep file (case and spaces ignored).</summary>
    /// <exception cref="ArgumentException">An unknown domain (the known ones are named).</exception>
    public static string Domain(string name) => Experiment.EvalDomains.Name(Experiment.EvalDomains.Parse(name));

    /// <summary>
    /// What <paramref name="domain"/> evaluates with the files under <paramref name="dataDirectory"/>: the real benchmarks
    /// that are present, else the built-in set (said in <see cref="DomainPlan.Fallback"/>). Perplexity always includes
    /// the built-in domains.
    /// </summary>
    /// <param name="domain">The domain.</param>
    /// <param name="dataDirectory">The data folder.</param>
    /// <param name="configs">Hub configs chosen per benchmark name (<c>--benchmark-config NAME@CONFIG</c>), if any.</param>
    /// <exception cref="ArgumentException">An unknown domain (the known ones are named).</exception>
    /// <exception cref="Data.DataFormatException">Neither a real benchmark nor the built-in set is there (names both and where it looked), or a chosen config is not.</exception>
    public static DomainPlan Plan(string domain, string dataDirectory, IReadOnlyDictionary<string, string>? configs = null)
    {
        domain = Domain(domain);
        var ofDomain = All.Where(b => b.Domain == domain)
            .Select(b => configs is not null && configs.TryGetValue(b.Name, out var c) ? b with { Config = c, ConfigChosen = true } : b).ToList();
        var real = ofDomain.Where(b => !b.BuiltIn).Select(b => (Benchmark: b, Where: b.Locate(dataDirectory))).ToList();
        var present = real.Where(r => r.Where.Found).Select(r => r.Benchmark).ToList();
        if (present.Count > 0 && domain != "ppl")
        {
            return new DomainPlan(domain, present, null);
        }

        var missing = string.Join("; ", real.Select(r => $"{r.Benchmark.Name} not in {r.Where.LookedIn}"));
        // The warning names what is missing and where to see the folders looked in; the error names every folder.
        var none = $"none of {string.Join(", ", real.Select(r => r.Benchmark.Name))} in {dataDirectory} (shear data list --data-dir {dataDirectory} shows where each is looked for)";
        if (domain == "ppl")
        {
            return new DomainPlan(domain, present, present.Count > 0 ? null : $"ppl: {none}; perplexity of the built-in domains only");
        }

        var builtin = ofDomain.Single(b => b.BuiltIn);
        var at = builtin.Locate(dataDirectory);
        return at.Found
            ? new DomainPlan(domain, [builtin], $"{domain}: {none}; scoring the built-in {builtin.Name} instead")
            : throw new Data.DataFormatException(dataDirectory, $"{domain}: no benchmark to score: {missing}; nor the built-in {builtin.Name} in {at.LookedIn}");
    }

    /// <summary>Reads <c>NAME@CONFIG</c> choices (<c>--benchmark-config</c>) into a config per benchmark name.</summary>
    /// <exception cref="ArgumentException">A malformed choice, or a name that is not a real benchmark (the known ones are named).</exception>
    public static Dictionary<string, string> Configs(IEnumerable<string> choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var configs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var choice in choices)
        {
            var (name, config) = Data.Registry.DatasetLocator.Parse(choice);
            if (config is null || !All.Any(b => b.Name == name && !b.BuiltIn))
            {
                throw new ArgumentException($"--benchmark-config {choice}: expected NAME@CONFIG with NAME one of {string.Join(", ", All.Where(b => !b.BuiltIn).Select(b => b.Name))}");
            }

            configs[name] = config;
        }

        return configs;
    }
}
