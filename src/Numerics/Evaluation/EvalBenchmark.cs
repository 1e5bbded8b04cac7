using Shear.Numerics.Data.Registry;

namespace Shear.Numerics.Evaluation;

/// <summary>
/// One benchmark <c>shear eval</c> can run: its domain, the folder name it is looked for under the data folder
/// (<c>DATA_DIR/NAME/</c>, flat or as the Hub lays it out: <see cref="DatasetLocator"/>), which files are its
/// evaluation split, and what it reads.
/// </summary>
/// <param name="Name">Benchmark and folder name (e.g. <c>arc_easy</c>, <c>humaneval</c>).</param>
/// <param name="Domain">code, csr, translation, math or ppl.</param>
/// <param name="Format">What a user puts in the folder.</param>
/// <param name="Splits">File-name parts tried in order to pick the evaluation split (the first that matches any file wins; none: every file).</param>
public sealed record EvalBenchmark(string Name, string Domain, string Format, IReadOnlyList<string> Splits)
{
    /// <summary>Whether this is one of Shear's built-in held-out sets (<c>DATA_DIR/builtin/NAME/test.jsonl</c>).</summary>
    public bool BuiltIn => Name.StartsWith("builtin_", StringComparison.Ordinal);

    /// <summary>The Hub config folder read when the folder holds the downloaded repository (lm-eval's choice, e.g. gsm8k <c>main</c>).</summary>
    /// <value>Null: the repository keeps its shards in <c>data/</c>.</value>
    public string? Config { get; init; }

    /// <summary>Whether <see cref="Config"/> was chosen by the user (<c>--benchmark-config NAME@CONFIG</c>): only that folder is read.</summary>
    public bool ConfigChosen { get; init; }

    /// <summary>Other folder names its Hub repository may be downloaded under, read through their <see cref="Config"/> folder (arc_easy: <c>ai2_arc</c>).</summary>
    /// <value>None by default.</value>
    public IReadOnlyList<string> AlsoIn { get; init; } = [];

    /// <summary>Where this benchmark's split is under <paramref name="dataDirectory"/>; built-in sets only in <c>builtin/NAME/</c>.</summary>
    /// <exception cref="Data.DataFormatException">A chosen config that holds no data files.</exception>
    public DatasetLocation Locate(string dataDirectory)
    {
        if (BuiltIn)
        {
            var folder = Path.Combine(dataDirectory, "builtin", Name);
            var files = RowReader.FilesIn(folder, Splits);
            return new DatasetLocation(files, files.Count > 0 ? folder : null, [folder], []);
        }

        return DatasetLocator.Locate(Name, [Path.Combine(dataDirectory, Name), .. AlsoIn.Select(n => Path.Combine(dataDirectory, n))], Config, ConfigChosen, Splits);
    }

    /// <summary>The files of this benchmark's split under <paramref name="dataDirectory"/>, in name order (shards); empty when absent.</summary>
    /// <exception cref="Data.DataFormatException">A chosen config that holds no data files.</exception>
    public IReadOnlyList<string> Files(string dataDirectory) => Locate(dataDirectory).Files;
}
