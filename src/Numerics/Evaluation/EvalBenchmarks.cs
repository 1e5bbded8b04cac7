namespace Shear.Numerics.Evaluation;

/// <summary>
/// The benchmarks of each domain (the thesis's), and the built-in held-out set each domain falls back to when none of
/// its real benchmarks is in the data folder.
/// </summary>
public static class EvalBenchmarks
{
    /// <summary>The domains, in the thesis's table order.</summary>
    public static readonly IReadOnlyList<string> Domains = ["code", "csr", "translation", "math", "ppl"];

    /// <summary>Every benchmark, real ones first within a domain.</summary>
    public static readonly IReadOnlyList<EvalBenchmark> All =
    [
        new("humaneval", "code", "openai HumanEval.jsonl(.gz) or DeepSeek humaneval-python.jsonl", []),
        new("mbpp", "code", "mbpp.jsonl (974 rows; test = task_ids 11..510)", []),
        new("builtin_humaneval", "code", "built in: 20 HumanEval-format problems", ["test"]),
        new("boolq", "csr", "super_glue/boolq or google/boolq (validation)", ["validation", "val", "dev"]),
        new("winogrande", "csr", "winogrande_xl (validation)", ["validation", "dev"]),
        new("arc_easy", "csr", "allenai/ai2_arc ARC-Easy (test)", ["test"]),
        new("arc_challenge", "csr", "allenai/ai2_arc ARC-Challenge (test)", ["test"]),
        new("hellaswag", "csr", "Rowan/hellaswag (validation)", ["validation", "val"]),
        new("openbookqa", "csr", "openbookqa main (test)", ["test"]),
        new("builtin_commonsense", "csr", "built in: WordNet questions (openbookqa format)", ["test"]),
        new("wmt14", "translation", "wmt14 fr-en {translation: {en, fr}} (the test split if present, else the train shards)", ["test"]),
        new("opus_books", "translation", "Helsinki-NLP/opus_books en-fr (second half of train, as the thesis)", ["train"]),
        new("builtin_translation", "translation", "built in: gettext fr catalogs (opus_books format)", ["test"]),
        new("gsm8k", "math", "openai grade-school-math test.jsonl", ["test"]),
        new("builtin_math", "math", "built in: GSM8K-format word problems", ["test"]),
        new("wikitext2", "ppl", "wikitext-2-raw-v1 test rows {text}", ["test"]),
    ];

    /// <summary>The canonical name of a domain given on a command line or in a sweep file (case and spaces ignored).</summary>
    /// <exception cref="ArgumentException">An unknown domain (the known ones are named).</exception>
    public static string Domain(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Domains.FirstOrDefault(d => string.Equals(d, name.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"unknown domain '{name}' (known: {string.Join(", ", Domains)})");
    }

    /// <summary>
    /// What <paramref name="domain"/> evaluates with the files under <paramref name="dataDirectory"/>: the real benchmarks
    /// that are present, else the built-in set. Perplexity always includes the built-in domains.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown domain (the known ones are named).</exception>
    public static IReadOnlyList<EvalBenchmark> For(string domain, string dataDirectory)
    {
        domain = Domain(domain);

        var ofDomain = All.Where(b => b.Domain == domain).ToList();
        var present = ofDomain.Where(b => !b.BuiltIn && b.Files(dataDirectory).Count > 0).ToList();
        return domain == "ppl" || present.Count == 0 ? [.. present, .. ofDomain.Where(b => b.BuiltIn)] : present;
    }
}
