namespace Shear.Numerics.IO;

/// <summary>
/// Output folders that appear whole or not at all, and never destroy what Shear did not make: the content is written
/// into a staging folder beside the target (<c>.NAME.tmp-ID</c>, marked as Shear's), synced, and renamed into place.
/// An existing non-empty target needs <c>overwrite</c> and is replaced atomically: it is renamed aside
/// (<c>.NAME.old-ID</c>) until the new one is in place, and a run that finds only the aside copy (a crash hit that
/// window) puts it back. Stale staging folders of crashed runs for the same target are removed on the next run; only
/// folders carrying Shear's marker are ever deleted.
/// </summary>
public static class OutputFolder
{
    /// <summary>The file that marks a staging or aside folder as Shear's.</summary>
    public const string Marker = ".shear-staging";

    /// <summary>Checks a target before any work.</summary>
    /// <exception cref="IOException">
    /// A file, or under one; the current folder or one above it; one of <paramref name="inputs"/>, inside one or holding
    /// one; non-empty without <paramref name="overwrite"/>.
    /// </exception>
    public static void Check(string output, bool overwrite, string option = "--out", params string[] inputs)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(inputs);
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(output));
        if (File.Exists(full))
        {
            throw new IOException($"{option} {output} is a file, not a folder");
        }

        for (var above = Path.GetDirectoryName(full); above is not null; above = Path.GetDirectoryName(above))
        {
            if (File.Exists(above))
            {
                throw new IOException($"{option} {output}: {above} is a file, not a folder");
            }
        }

        var cwd = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Directory.GetCurrentDirectory()));
        if (Path.GetDirectoryName(full) is null || cwd == full || cwd.StartsWith(full + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new IOException($"{option} {output} is the current folder or one above it: choose a new folder");
        }

        foreach (var input in inputs.Select(i => Path.TrimEndingDirectorySeparator(Path.GetFullPath(i))))
        {
            // Replacing an input, a folder inside one, or one holding one would destroy what the run reads.
            if (full == input || full.StartsWith(input + Path.DirectorySeparatorChar, StringComparison.Ordinal) || input.StartsWith(full + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new IOException($"{option} {output} is, is inside or holds the input {input}: choose a folder apart from it");
            }
        }

        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any() && !overwrite)
        {
            throw new IOException($"{option} {output} exists and is not empty (use --overwrite to replace it)");
        }
    }

    /// <summary>Recovers an interrupted replacement, cleans stale staging folders of this target, and makes a new staging folder.</summary>
    public static string Stage(string output)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(output));
        var parent = Path.GetDirectoryName(full)!;
        var name = Path.GetFileName(full);
        Directory.CreateDirectory(parent);
        Recover(full);
        foreach (var stale in Directory.EnumerateDirectories(parent, $".{name}.tmp-*").Where(IsOurs))
        {
            TryDelete(stale);
        }

        var staging = Path.Combine(parent, $".{name}.tmp-{Guid.NewGuid():N}");
        MarkAsOurs(staging, full);
        return staging;
    }

    /// <summary>Creates <paramref name="folder"/> as a staging folder of Shear's for <paramref name="target"/> (a fixed path such as a job's work folder).</summary>
    public static void MarkAsOurs(string folder, string target)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, Marker), target);
    }

    /// <summary>True when <paramref name="folder"/> carries Shear's marker (only such a folder is ever deleted or replaced).</summary>
    public static bool IsOurs(string folder) => File.Exists(Path.Combine(folder, Marker));

    /// <summary>Syncs the staging folder's files and renames it over <paramref name="output"/> (the old one aside until the new one is in place).</summary>
    public static void Commit(string staging, string output)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(output));
        File.Delete(Path.Combine(staging, Marker));
        foreach (var file in Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories))
        {
            using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read);
            RandomAccess.FlushToDisk(handle);
        }

        string? aside = null;
        if (Directory.Exists(full))
        {
            aside = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.old-{Guid.NewGuid():N}");
            Directory.Move(full, aside); // a crash before the next line is recovered by the next Stage (the aside name is Shear's)
        }

        Directory.Move(staging, full);
        if (aside is not null)
        {
            TryDelete(aside);
        }
    }

    /// <summary>Deletes a staging folder that will not be committed (only if it is Shear's).</summary>
    public static void Abandon(string staging)
    {
        if (Directory.Exists(staging) && IsOurs(staging))
        {
            TryDelete(staging);
        }
    }

    // A target missing while its aside copy exists: the crash came between the two renames; put the old one back.
    private static void Recover(string full)
    {
        var parent = Path.GetDirectoryName(full)!;
        var prefix = $".{Path.GetFileName(full)}.old-";
        var asides = Directory.EnumerateDirectories(parent, prefix + "*")
            .Where(d => Path.GetFileName(d)[prefix.Length..] is { Length: 32 } id && id.All(char.IsAsciiHexDigitLower)).ToList();
        if (!Directory.Exists(full) && asides.Count > 0)
        {
            var newest = asides.OrderByDescending(Directory.GetLastWriteTimeUtc).First();
            Directory.Move(newest, full);
            asides.Remove(newest);
        }

        asides.ForEach(TryDelete);
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // in use by a run that is still going: left for a later run
        }
    }
}
