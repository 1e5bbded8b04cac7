namespace Shear.Numerics.Data.Registry;

/// <summary>Where <see cref="DatasetLocator"/> found a dataset's split, or every place it looked.</summary>
/// <param name="Files">The split's data files in name order (shards); empty when none was found.</param>
/// <param name="Folder">The folder holding <paramref name="Files"/>; null when none was found.</param>
/// <param name="Looked">Every folder looked in, in order (the last is <paramref name="Folder"/> when found).</param>
/// <param name="Configs">The config folders (sub-folders holding data files) of the dataset's folders, by name.</param>
public sealed record DatasetLocation(IReadOnlyList<string> Files, string? Folder, IReadOnlyList<string> Looked, IReadOnlyList<string> Configs)
{
    /// <summary>Whether any file was found.</summary>
    public bool Found => Files.Count > 0;

    /// <summary>Where it looked, for messages: <c>A, B or C</c>.</summary>
    public string LookedIn => Looked.Count <= 1 ? string.Join("", Looked) : $"{string.Join(", ", Looked.Take(Looked.Count - 1))} or {Looked[^1]}";
}
