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
}
