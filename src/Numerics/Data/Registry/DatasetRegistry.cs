using static Shear.Numerics.Data.Registry.Templates;

namespace Shear.Numerics.Data.Registry;

/// <summary>
/// Every calibration set of the thesis, plus wikitext2 and Shear's built-in sets. A set NAME is read from
/// <c>DATA_DIR/NAME/</c> (built-in sets: <c>DATA_DIR/builtin/NAME/</c> first), flat or as the Hub lays it out
/// (<see cref="DatasetLocator"/>): the train split's files of the endings <see cref="RowReader.Extensions"/>, in name order (shards).
/// </summary>
public static class DatasetRegistry
{
    /// <summary>All sets, in a stable order.</summary>
    public static readonly IReadOnlyList<DatasetSpec> All =
    [
        new("c4", "text", "allenai/c4 en: c4-train.00000-of-01024.json.gz", SamplingMode.Windows, Field("text")) { Config = "en" },
        new("wikitext2", "text", "Salesforce/wikitext wikitext-2-raw-v1 train rows {text}", SamplingMode.Windows, Field("text")) { JoinWith = " ", Config = "wikitext-2-raw-v1", AlsoIn = ["wikitext"] },
        new("humaneval", "code", "openai HumanEval.jsonl(.gz) or openai/openai_humaneval", SamplingMode.Examples, r => Str(r, "prompt") + Str(r, "canonical_solution")) { Config = "openai_humaneval", AlsoIn = ["openai_humaneval"] },
        new("python_alpaca", "code", "iamtarun/python_code_instructions_18k_alpaca", SamplingMode.Examples, Field("prompt")),
        new("apps", "code", "codeparrot/apps (solutions)", SamplingMode.Examples, Field("solutions")) { MaxTokens = 10000 },
        new("github_python", "code", "thomwolf/github-python (content)", SamplingMode.Examples, Field("content")) { MaxTokens = 10000, RejectSingleToken = true },
        new("openbookqa", "commonsense", "allenai/openbookqa main", SamplingMode.Examples, r => OpenBookQa(r)) { Config = "main" },
        new("hellaswag", "commonsense", "Rowan/hellaswag", SamplingMode.Examples, r => HellaSwag(r)),
        new("commonsenseqa", "commonsense", "tau/commonsense_qa", SamplingMode.Examples, r => CommonsenseQa(r)),
        new("wmt14", "translation", "wmt/wmt14 fr-en {translation: {en, fr}}", SamplingMode.Examples, Translation) { Config = "fr-en" },
        new("song_translation", "translation", "Nicolas-BZRD/English_French_Songs_Lyrics_Translation_Original", SamplingMode.Examples, Song),
        new("opus_books", "translation", "Helsinki-NLP/opus_books en-fr (first half of train)", SamplingMode.Examples, Translation) { FirstHalf = true, Config = "en-fr" },
        new("math_qa", "math", "meta-math/MetaMathQA", SamplingMode.Examples, Lines("original_question", "response")),
        new("math_instruct", "math", "TIGER-Lab/MathInstruct", SamplingMode.Examples, Lines("instruction", "output")),
        new("math_orca", "math", "microsoft/orca-math-word-problems-200k", SamplingMode.Examples, Lines("question", "answer")),
        new("builtin_code", "code", "built in: CPython stdlib files (github_python format)", SamplingMode.Examples, Field("content")) { BuiltIn = true, MaxTokens = 10000 },
        new("builtin_python_alpaca", "code", "built in: stdlib functions (python_alpaca format)", SamplingMode.Examples, Field("prompt")) { BuiltIn = true },
        new("builtin_translation", "translation", "built in: gettext fr catalogs (opus_books format)", SamplingMode.Examples, Translation) { BuiltIn = true },
        new("builtin_commonsense", "commonsense", "built in: WordNet questions (openbookqa format)", SamplingMode.Examples, r => OpenBookQa(r)) { BuiltIn = true },
        new("builtin_math", "math", "built in: templated word problems (GSM8K format)", SamplingMode.Examples, Lines("question", "answer")) { BuiltIn = true },
        new("builtin_text", "text", "built in: WordNet definitions (c4 format)", SamplingMode.Windows, Field("text")) { BuiltIn = true },
    ];

    /// <summary>The set called <paramref name="name"/>; <c>NAME@CONFIG</c> reads the Hub config folder CONFIG instead of the default one.</summary>
    /// <exception cref="DataFormatException">Unknown name; the message lists the known ones.</exception>
    /// <exception cref="ArgumentException">A malformed <c>NAME@CONFIG</c>.</exception>
    public static DatasetSpec Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (All.FirstOrDefault(s => s.Name == name) is { } spec)
        {
            return spec;
        }

        // A path (a folder in it, or a file ending) was meant as a file, not a dataset name.
        if (Directory.Exists(name))
        {
            throw new DataFormatException(name, "a folder, not a calibration file (.txt or .jsonl) or a dataset name");
        }

        if (name.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) || name.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            throw new DataFormatException(name, "no such file");
        }

        if (name.Contains('@', StringComparison.Ordinal) && Experiment.DatasetRef.Parse(name) is { IsFile: false, Name: var set, Config: { } config } && All.FirstOrDefault(s => s.Name == set && !s.BuiltIn) is { } hub)
        {
            return hub with { Config = config, ConfigChosen = true };
        }

        throw new DataFormatException(name, $"unknown dataset (known: {string.Join(", ", All.Select(s => s.Name))})");
    }

    /// <summary>
    /// The folders a set's files are looked for in: <c>DATA_DIR/NAME</c> and its other names (<see cref="DatasetSpec.AlsoIn"/>),
    /// and for built-in sets <c>DATA_DIR/builtin/NAME</c> first.
    /// </summary>
    public static IReadOnlyList<string> Folders(DatasetSpec spec, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.BuiltIn
            ? [Path.Combine(dataDirectory, "builtin", spec.Name), Path.Combine(dataDirectory, spec.Name)]
            : [Path.Combine(dataDirectory, spec.Name), .. spec.AlsoIn.Select(n => Path.Combine(dataDirectory, n))];
    }

    /// <summary>Where the train split of a set is under <paramref name="dataDirectory"/> (<see cref="DatasetLocator"/>).</summary>
    /// <exception cref="DataFormatException">A config chosen with <c>NAME@CONFIG</c> that holds no data files.</exception>
    public static DatasetLocation Locate(DatasetSpec spec, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return DatasetLocator.Locate(spec.Name, Folders(spec, dataDirectory), spec.Config, spec.ConfigChosen, ["train"]);
    }

    /// <summary>The files of a set under <paramref name="dataDirectory"/> (empty when none are there).</summary>
    /// <exception cref="DataFormatException">A config chosen with <c>NAME@CONFIG</c> that holds no data files.</exception>
    public static IReadOnlyList<string> Files(DatasetSpec spec, string dataDirectory) => Locate(spec, dataDirectory).Files;
}
