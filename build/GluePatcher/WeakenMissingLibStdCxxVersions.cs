using Microsoft.Build.Framework;
using Shear.Numerics.Runtime;

namespace Shear.GluePatcher;

/// <summary>
/// Patches TorchSharp's glue library in a project's output at build time, so a program whose first torch call
/// does not go through Numerics (whose module initializer does the same at run time) still loads.
/// </summary>
public sealed class WeakenMissingLibStdCxxVersions : Microsoft.Build.Utilities.Task
{
    /// <summary>The ELF files to patch.</summary>
    [Required]
    public string[] Files { get; set; } = [];

    /// <inheritdoc />
    public override bool Execute()
    {
        foreach (var file in Files.Where(File.Exists))
        {
            var changed = ElfVersionPatcher.PatchIfNeeded(file);
            if (changed.Count > 0)
            {
                Log.LogMessage(MessageImportance.Normal, $"weakened {string.Join(", ", changed)} in {file}");
            }
        }

        return !Log.HasLoggedErrors;
    }
}
