using System.Text.Json;
using Shear.Numerics.IO;

namespace Shear.Numerics.Data.Builtin;

/// <summary>
/// Builds the built-in corpora (deterministically, from what is on this machine) into
/// <c>DIR/NAME/{train,test}.jsonl</c>, in the real datasets' record formats, with disjoint train/test splits. Each set's
/// folder is a Shear output (<see cref="OutputKind.BuiltinData"/>): written whole into a staging folder and renamed into
/// place, replacing only a set folder an earlier build wrote, never a folder of the user's.
/// </summary>
public static class BuiltinCorpusBuilder
{
    /// <summary>Fraction of each set held out for evaluation.</summary>
    public const double TestFraction = 0.1;

    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The sets <see cref="Build"/> writes, each in <c>DIR/NAME</c>.</summary>
    public static readonly IReadOnlyList<string> Names =
        ["builtin_code", "builtin_python_alpaca", "builtin_translation", "builtin_commonsense", "builtin_text", "builtin_math"];

    /// <summary>Builds every set; returns (name, train rows, test rows). Sources that are missing are reported by <paramref name="log"/> and skipped.</summary>
    /// <exception cref="IOException">A set's folder exists and was not written by an earlier build (checked for every set before any work).</exception>
    public static List<(string Name, int Train, int Test)> Build(string directory, long seed, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        foreach (var name in Names)
        {
            OutputFolder.Check(Path.Combine(directory, name), overwrite: true, OutputKind.BuiltinData, "--out");
        }

        var built = new List<(string, int, int)>();
        var stdlib = CodeCorpus.FindStdlib();
        if (stdlib is null)
        {
            log("skipped builtin_code and builtin_python_alpaca: no Python standard library found under /usr/lib/python3*");
        }
        else
        {
            var files = CodeCorpus.Files(stdlib);
            built.Add(Write(directory, "builtin_code", CodeCorpus.GithubPython(files), seed));
            built.Add(Write(directory, "builtin_python_alpaca", CodeCorpus.PythonAlpaca(files), seed));
        }

        if (Directory.Exists(TranslationCorpus.DefaultDirectory))
        {
            built.Add(Write(directory, "builtin_translation", TranslationCorpus.OpusBooks(TranslationCorpus.Pairs().Take(12000)), seed));
        }
        else
        {
            log($"skipped builtin_translation: no French gettext catalogs in {TranslationCorpus.DefaultDirectory}");
        }

        if (File.Exists(Path.Combine(WordNetReader.DefaultDirectory, "data.noun")))
        {
            var nouns = WordNetReader.Nouns();
            built.Add(Write(directory, "builtin_commonsense", CommonsenseCorpus.Questions(nouns, 6000, seed), seed));
            built.Add(Write(directory, "builtin_text", CommonsenseCorpus.GlossDocuments(nouns, 1500, 12, seed), seed));
        }
        else
        {
            log("skipped builtin_commonsense and builtin_text: WordNet is not installed (apt-get install wordnet-base)");
        }

        var math = MathCorpus.Problems(5000, seed).Select(p => (object)new { question = p.Question, answer = p.Answer });
        built.Add(Write(directory, "builtin_math", math, seed));
        return built;
    }

    private static (string, int, int) Write(string directory, string name, IEnumerable<object> records, long seed)
    {
        // Deduplicate by serialized record, shuffle with CPython's random, hold out the last TestFraction.
        var lines = records.Select(r => JsonSerializer.Serialize(r, Compact)).Distinct(StringComparer.Ordinal).ToList();
        var rng = new PythonRandom(seed);
        for (int i = lines.Count - 1; i > 0; i--)
        {
            int j = (int)rng.RandInt(0, i);
            (lines[i], lines[j]) = (lines[j], lines[i]);
        }

        int test = Math.Max(1, (int)(lines.Count * TestFraction));
        var folder = Path.Combine(directory, name);
        var staging = OutputFolder.Stage(folder, OutputKind.BuiltinData);
        try
        {
            File.WriteAllText(Path.Combine(staging, "train.jsonl"), string.Join("\n", lines.Take(lines.Count - test)) + "\n");
            File.WriteAllText(Path.Combine(staging, "test.jsonl"), string.Join("\n", lines.Skip(lines.Count - test)) + "\n");
            OutputFolder.Commit(staging, folder);
        }
        finally
        {
            OutputFolder.Abandon(staging);
        }

        return (name, lines.Count - test, test);
    }
}
