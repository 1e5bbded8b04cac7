using System.Text.Json;

namespace Shear.Numerics.Data.Registry;

/// <summary>
/// One calibration dataset: where its files are looked for, how a row becomes text (the thesis's template,
/// ANCHORS §2.3) and how samples are drawn.
/// </summary>
/// <param name="Name">Registry name (<c>--calibration NAME</c>).</param>
/// <param name="Domain">code, commonsense, translation, math or text.</param>
/// <param name="Source">Where the files come from (shown by <c>shear data list</c>).</param>
/// <param name="Mode">Random windows (c4, wikitext2) or whole examples.</param>
/// <param name="Template">Row to text; null means the row is unusable and is redrawn (song/opus rows without both sides).</param>
public sealed record DatasetSpec(string Name, string Domain, string Source, SamplingMode Mode, Func<JsonElement, string?> Template)
{
    /// <summary>Redraw samples longer than this many tokens (apps, github_python: 10000), or 0.</summary>
    public int MaxTokens { get; init; }

    /// <summary>Redraw samples of exactly one token (github_python).</summary>
    public bool RejectSingleToken { get; init; }

    /// <summary>Use only the first half of the rows (opus_books).</summary>
    public bool FirstHalf { get; init; }

    /// <summary>Join all rows' text into one document before cutting windows (wikitext2: <c>" ".join(text)</c>).</summary>
    public string? JoinWith { get; init; }

    /// <summary>Whether this is one of Shear's own generated sets (default folder data/builtin).</summary>
    public bool BuiltIn { get; init; }

    /// <summary>
    /// The Hub config folder the set is read from when <c>DATA/NAME/</c> holds the downloaded repository (the thesis's
    /// choice, e.g. openbookqa <c>main</c>, wmt14 <c>fr-en</c>); another with <c>--calibration NAME@CONFIG</c>.
    /// </summary>
    /// <value>Null: the repository keeps its shards in <c>data/</c>.</value>
    public string? Config { get; init; }

    /// <summary>Whether <see cref="Config"/> was chosen with <c>NAME@CONFIG</c>: then only <c>DATA/NAME/CONFIG/</c> is read.</summary>
    public bool ConfigChosen { get; init; }

    /// <summary>Other folder names the Hub repository may be downloaded under (wikitext2: <c>wikitext</c>).</summary>
    /// <value>None by default.</value>
    public IReadOnlyList<string> AlsoIn { get; init; } = [];
}
