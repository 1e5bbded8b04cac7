namespace Shear.Numerics.Experiment;

/// <summary>
/// A dataset as an experiment names it: a registered name (<c>builtin_code</c>, <c>c4</c>), optionally with a Hub config
/// (<c>gsm8k@main</c>), or a text file of the user's (<c>/data/mine.jsonl</c>: any text with a path separator or a
/// .txt/.jsonl extension); or text the dense model generates from prefixes of such a dataset (<c>generated</c>,
/// <c>generated:SOURCE</c>; arXiv 2410.17711's self-generated calibration).
/// </summary>
public sealed record DatasetRef
{
    /// <summary>The name of self-generated calibration text (<c>generated</c>, <c>generated:SOURCE</c>).</summary>
    public const string GeneratedName = "generated";

    /// <summary>The dataset whose documents give the prefixes of <c>generated</c> without a source.</summary>
    public const string DefaultGeneratedSource = "builtin_text";

    private DatasetRef(string name, string? config, DatasetRef? source = null) => (Name, Config, Source) = (name, config, source);

    /// <summary>The dataset's name, or the file's path (<see cref="GeneratedName"/> for generated text).</summary>
    public string Name { get; }

    /// <summary>For generated text: the dataset whose documents give the prefixes the dense model continues; else null.</summary>
    public DatasetRef? Source { get; }

    /// <summary>True for text the dense model generates (<c>generated:SOURCE</c>).</summary>
    public bool IsGenerated => Source is not null;

    /// <summary>The Hub config chosen after <c>@</c>, or null (the set's default).</summary>
    public string? Config { get; }

    /// <summary>True for a file of the user's rather than a registered dataset.</summary>
    public bool IsFile => !IsGenerated && IsPath(Name);

    /// <summary>A short label, usable in a folder name: a file's name without its extension, <c>generated-SOURCELABEL</c>, else the text.</summary>
    public string Label => IsGenerated ? $"{GeneratedName}-{Source!.Label}" : IsFile ? Path.GetFileNameWithoutExtension(Name) : ToString();

    /// <summary>Text the dense model generates from prefixes of <paramref name="source"/>'s documents.</summary>
    /// <exception cref="ArgumentException">A source that is itself generated.</exception>
    public static DatasetRef Generated(DatasetRef source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.IsGenerated
            ? throw new ArgumentException($"'{GeneratedName}:{source}': the source of generated calibration is a dataset or a file, not generated text")
            : new DatasetRef(GeneratedName, null, source);
    }

    /// <summary>Parses <c>NAME</c>, <c>NAME@CONFIG</c>, a file path (which is never split at <c>@</c>), or <c>generated</c> / <c>generated:SOURCE</c> (SOURCE any of those; default <see cref="DefaultGeneratedSource"/>).</summary>
    /// <exception cref="ArgumentException">An empty name, a config that is empty or not a plain folder name, or generated text of generated text.</exception>
    public static DatasetRef Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        if (text.Length == 0)
        {
            throw new ArgumentException("an empty dataset name");
        }

        if (text == GeneratedName)
        {
            return Generated(Parse(DefaultGeneratedSource));
        }

        if (text.StartsWith(GeneratedName + ":", StringComparison.Ordinal))
        {
            var source = text[(GeneratedName.Length + 1)..];
            return source.Trim().Length > 0 ? Generated(Parse(source))
                : throw new ArgumentException($"'{text}': expected {GeneratedName} or {GeneratedName}:SOURCE, SOURCE a dataset or a file (e.g. {GeneratedName}:{DefaultGeneratedSource})");
        }

        int at = text.IndexOf('@', StringComparison.Ordinal);
        if (IsPath(text) || at < 0)
        {
            return new DatasetRef(text, null);
        }

        var (name, config) = (text[..at], text[(at + 1)..]);
        if (name.Length == 0 || config.Length == 0 || config is "." or ".." || config.Contains('@', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{text}': expected NAME@CONFIG, CONFIG a folder name of the dataset (e.g. gsm8k@main)");
        }

        return new DatasetRef(name, config);
    }

    /// <summary>The canonical text (<c>NAME</c>, <c>NAME@CONFIG</c>, the path, or <c>generated:SOURCE</c>), which <see cref="Parse"/> reads back.</summary>
    public override string ToString() => IsGenerated ? $"{GeneratedName}:{Source}" : Config is null ? Name : $"{Name}@{Config}";

    private static bool IsPath(string text) =>
        text.Contains('/', StringComparison.Ordinal) || text.Contains('\\', StringComparison.Ordinal)
        || text.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) || text.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);
}
