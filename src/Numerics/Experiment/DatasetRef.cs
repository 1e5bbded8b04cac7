namespace Shear.Numerics.Experiment;

/// <summary>
/// A dataset as an experiment names it: a registered name (<c>builtin_code</c>, <c>c4</c>), optionally with a Hub config
/// (<c>gsm8k@main</c>), or a text file of the user's (<c>/data/mine.jsonl</c>: any text with a path separator or a .txt/.jsonl extension).
/// </summary>
public sealed record DatasetRef
{
    private DatasetRef(string name, string? config) => (Name, Config) = (name, config);

    /// <summary>The dataset's name, or the file's path.</summary>
    public string Name { get; }

    /// <summary>The Hub config chosen after <c>@</c>, or null (the set's default).</summary>
    public string? Config { get; }

    /// <summary>True for a file of the user's rather than a registered dataset.</summary>
    public bool IsFile => IsPath(Name);

    /// <summary>A short label: a file's name without its extension, else the text.</summary>
    public string Label => IsFile ? Path.GetFileNameWithoutExtension(Name) : ToString();

    /// <summary>Parses <c>NAME</c>, <c>NAME@CONFIG</c> or a file path (which is never split at <c>@</c>).</summary>
    /// <exception cref="ArgumentException">An empty name, or a config that is empty or not a plain folder name.</exception>
    public static DatasetRef Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        if (text.Length == 0)
        {
            throw new ArgumentException("an empty dataset name");
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

    /// <summary>The canonical text (<c>NAME</c>, <c>NAME@CONFIG</c>, or the path), which <see cref="Parse"/> reads back.</summary>
    public override string ToString() => Config is null ? Name : $"{Name}@{Config}";

    private static bool IsPath(string text) =>
        text.Contains('/', StringComparison.Ordinal) || text.Contains('\\', StringComparison.Ordinal)
        || text.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) || text.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);
}
