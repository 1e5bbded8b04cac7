using System.Runtime.InteropServices;

namespace Shear.Numerics.IO;

/// <summary>
/// Output folders that appear whole or not at all, and never destroy what Shear did not make: the content is written
/// into a staging folder beside the target (<c>.NAME.tmp-ID</c>, marked as Shear's), synced, and renamed into place.
/// An existing non-empty target needs <c>overwrite</c> and is replaced atomically: swapped with the staging folder in
/// one step where the kernel can (else renamed aside, <c>.NAME.old-ID</c>, until the new one is in place, and a run
/// that finds only the aside copy, a crash having hit that window, puts it back). Stale staging folders of crashed
/// runs for the same target are removed on the next run; only folders carrying Shear's marker or a staging name only
/// Shear makes are ever deleted.
/// </summary>
public static partial class OutputFolder
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
        // Staging folders of crashed runs: marked as Shear's, or (an old copy swapped out by a commit that died before
        // deleting it) under a staging name only Shear makes.
        foreach (var stale in Directory.EnumerateDirectories(parent, $".{name}.tmp-*").Where(d => IsOurs(d) || IsStagingName(d, name)))
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

    /// <summary>
    /// Syncs the staging folder's files and puts it at <paramref name="output"/>: an existing output is swapped with it
    /// in one atomic step (Linux <c>renameat2(RENAME_EXCHANGE)</c>), so at every moment the output is the old copy or
    /// the new one; where the file system cannot swap, the old copy is moved aside first and a crash between the two
    /// renames is recovered by the next <see cref="Stage"/>.
    /// </summary>
    public static void Commit(string staging, string output)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(output));
        CrashPoint.Reach("commit-start");
        foreach (var file in Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories))
        {
            using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read);
            RandomAccess.FlushToDisk(handle);
        }

        CrashPoint.Reach("commit-synced");
        File.Delete(Path.Combine(staging, Marker)); // from here on the staging name alone marks it as Shear's
        string? old = null;
        if (Directory.Exists(full))
        {
            if (Exchange(staging, full))
            {
                old = staging; // the old copy, under the staging folder's name (Shear's, cleaned by the next Stage)
                CrashPoint.Reach("commit-exchanged");
            }
            else
            {
                old = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.old-{Guid.NewGuid():N}");
                Directory.Move(full, old); // a crash before the next move is recovered by the next Stage (the aside name is Shear's)
                CrashPoint.Reach("commit-aside");
                Directory.Move(staging, full);
            }
        }
        else
        {
            Directory.Move(staging, full);
        }

        CrashPoint.Reach("commit-moved");
        if (old is not null)
        {
            TryDelete(old);
        }
    }

    // Swaps two folders atomically; false where the kernel or file system cannot (the caller falls back to two renames).
    private static bool Exchange(string a, string b)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        if (Renameat2(AtCurrentDirectory, a, AtCurrentDirectory, b, RenameExchange) == 0)
        {
            return true;
        }

        int error = Marshal.GetLastPInvokeError();
        return error is EInval or ENoSys or ENotSup ? false : throw new IOException($"cannot swap {a} and {b} (errno {error})");
    }

    private const int AtCurrentDirectory = -100;
    private const uint RenameExchange = 2;
    private const int EInval = 22;
    private const int ENoSys = 38;
    private const int ENotSup = 95;

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Renameat2(int oldDirectory, string oldPath, int newDirectory, string newPath, uint flags);

    private static bool IsStagingName(string folder, string target) =>
        Path.GetFileName(folder) is { } n && n.StartsWith($".{target}.tmp-", StringComparison.Ordinal)
        && n[$".{target}.tmp-".Length..] is { Length: 32 } id && id.All(char.IsAsciiHexDigitLower);

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
