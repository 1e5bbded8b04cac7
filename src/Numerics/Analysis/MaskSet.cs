using Shear.Numerics.Checkpoints;
using Shear.Numerics.Pruning;

namespace Shear.Numerics.Analysis;

/// <summary>The masks of one sub-model, by Linear name, in layer then name order.</summary>
/// <param name="Name">A label (the folder's name unless given).</param>
/// <param name="Masks">The masks.</param>
public sealed record MaskSet(string Name, IReadOnlyList<PackedMask> Masks)
{
    private const string Suffix = ".mask.safetensors";

    /// <summary>
    /// Reads the masks of a pruned checkpoint folder (its <c>masks/</c>) or of a folder of mask files.
    /// </summary>
    /// <exception cref="CheckpointFormatException">No such folder, or no mask files in it (named).</exception>
    public static MaskSet Load(string folder, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var inner = Path.Combine(folder, PrunedModelWriter.MaskFolder);
        var dir = Directory.Exists(inner) ? inner : folder;
        if (!Directory.Exists(dir))
        {
            throw new CheckpointFormatException(folder, "no such folder");
        }

        var files = Directory.GetFiles(dir, "*" + Suffix);
        if (files.Length == 0)
        {
            throw new CheckpointFormatException(folder, $"no mask files (*{Suffix}) in it or in its {PrunedModelWriter.MaskFolder}/ folder");
        }

        var masks = files.Select(f => PackedMask.Read(f, Path.GetFileName(f)[..^Suffix.Length]))
            .OrderBy(m => m.Layer).ThenBy(m => m.Name, StringComparer.Ordinal).ToList();
        return new MaskSet(name ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))), masks);
    }
}
