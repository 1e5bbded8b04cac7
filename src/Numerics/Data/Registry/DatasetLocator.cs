using Shear.Numerics.Experiment;

namespace Shear.Numerics.Data.Registry;

/// <summary>
/// The one resolver of dataset files, for calibration sets and benchmarks alike. <c>DATA/NAME/</c> may hold the files
/// themselves (flat, looked at first: the split by the name-contains rule of <see cref="RowReader.FilesIn"/>) or the
/// dataset repository as <c>huggingface-cli download REPO --repo-type dataset --local-dir DATA/NAME</c> leaves it:
/// a config folder (<c>main/</c>, <c>ARC-Easy/</c>, <c>fr-en/</c>) or a <c>data/</c> folder of shards named
/// <c>SPLIT-0000K-of-0000N.parquet</c>, the split picked by that prefix (else by the name-contains rule). Files other
/// than <see cref="RowReader.Extensions"/> (README.md, .gitattributes) and hidden folders (<c>.cache/</c>) are ignored.
/// </summary>
public static class DatasetLocator
{
    /// <summary>The folder the Hub puts a dataset's shards in when it has no named config.</summary>
    public const string DataFolder = "data";

    /// <summary>Splits <c>NAME@CONFIG</c> into the name and the config (null without <c>@</c>), as <see cref="DatasetRef"/> parses it.</summary>
    /// <exception cref="ArgumentException">An empty name or config, or a config that is not a plain folder name.</exception>
    public static (string Name, string? Config) Parse(string text)
    {
        var dataset = DatasetRef.Parse(text);
        if (dataset.IsFile && text.Contains('@', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{text}': expected NAME@CONFIG, CONFIG a folder name of the dataset (e.g. gsm8k@main)");
        }

        return (dataset.Name, dataset.Config);
    }

    /// <summary>
    /// The files of a dataset's split. <paramref name="roots"/> are <c>DATA/NAME</c>, then any other name its Hub repository
    /// is downloaded under (<c>DATA/ai2_arc</c>). In order: <c>DATA/NAME</c>'s own files, <c>DATA/NAME/CONFIG/</c>,
    /// <c>DATA/NAME/data/</c>, then each other root's <c>CONFIG/</c>; the first holding data files wins. A config
    /// <paramref name="chosen"/> by the user is looked for only as <c>ROOT/CONFIG/</c>.
    /// </summary>
    /// <param name="name">The dataset's name, for messages.</param>
    /// <param name="roots">Its folders, in order.</param>
    /// <param name="config">The config folder to use (the default one, or the one chosen); null when it has none.</param>
    /// <param name="chosen">Whether the user chose <paramref name="config"/> (<c>NAME@CONFIG</c>): then only that folder counts.</param>
    /// <param name="splits">File-name parts tried in order to pick the split (none: every file).</param>
    /// <exception cref="DataFormatException">A chosen config that holds no data files (names it and the configs found).</exception>
    public static DatasetLocation Locate(string name, IReadOnlyList<string> roots, string? config, bool chosen, IReadOnlyList<string> splits)
    {
        ArgumentNullException.ThrowIfNull(roots);
        ArgumentNullException.ThrowIfNull(splits);
        var looked = new List<string>();
        foreach (var (root, i) in roots.Select((r, i) => (r, i)))
        {
            foreach (var (folder, hub) in Candidates(root, config, chosen, other: i > 0))
            {
                looked.Add(folder);
                var files = hub ? Shards(folder, splits) : RowReader.FilesIn(folder, splits);
                if (files.Count > 0)
                {
                    return new DatasetLocation(files, folder, looked, ConfigsIn(roots));
                }
            }
        }

        var configs = ConfigsIn(roots);
        if (chosen)
        {
            throw new DataFormatException(Path.Combine(roots[0], config!),
                $"dataset '{name}' has no config '{config}' with data files (configs found: {(configs.Count == 0 ? "none" : string.Join(", ", configs))})");
        }

        return new DatasetLocation([], null, looked, configs);
    }

    // The folders of one root in order; another name of the repository (ai2_arc, shared by arc_easy and arc_challenge)
    // counts only through its config folder.
    private static IEnumerable<(string Folder, bool Hub)> Candidates(string root, string? config, bool chosen, bool other)
    {
        if (!chosen && !other)
        {
            yield return (root, false);
        }

        if (config is not null)
        {
            yield return (Path.Combine(root, config), true);
        }

        if (!chosen && !other && config != DataFolder)
        {
            yield return (Path.Combine(root, DataFolder), true);
        }
    }

    /// <summary>The files of a Hub folder: the shards whose names start with <c>SPLIT-</c> or <c>SPLIT.</c> for the first split that has any, else the name-contains rule.</summary>
    private static IReadOnlyList<string> Shards(string folder, IReadOnlyList<string> splits)
    {
        var all = RowReader.FilesIn(folder, []);
        foreach (var split in splits)
        {
            var shards = all.Where(f => Path.GetFileName(f) is var n && (n.StartsWith(split + "-", StringComparison.OrdinalIgnoreCase) || n.StartsWith(split + ".", StringComparison.OrdinalIgnoreCase))).ToList();
            if (shards.Count > 0)
            {
                return shards;
            }
        }

        return RowReader.FilesIn(folder, splits);
    }

    /// <summary>The sub-folders of <paramref name="roots"/> that hold data files, by name (hidden ones skipped).</summary>
    private static List<string> ConfigsIn(IReadOnlyList<string> roots) =>
        roots.Where(Directory.Exists)
            .SelectMany(Directory.GetDirectories)
            .Where(d => !Path.GetFileName(d).StartsWith('.') && RowReader.FilesIn(d, []).Count > 0)
            .Select(Path.GetFileName).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
}
