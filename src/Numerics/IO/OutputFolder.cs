using System.Runtime.InteropServices;

namespace Shear.Numerics.IO;

/// <summary>
/// Output folders that appear whole or not at all, and never destroy what Shear did not make: the content is written
/// into a staging folder beside the target (<c>.NAME.tmp-ID</c>, marked as Shear's), synced, and renamed into place.
/// An existing non-empty target needs <c>overwrite</c> and is replaced atomically: swapped with the staging folder in
/// one step where the kernel can (else renamed aside, <c>.NAME.old-ID</c>, until the new one is in place, and a run
/// that finds only the aside copy, a crash having hit that window, puts it back). Stale staging folders of crashed
/// runs for the same target are removed on the next run; only folders carrying Shear's marker or a staging name only
/// Shear makes are ever deleted. Every committed output carries <see cref="OwnerMarker"/> naming its
/// <see cref="OutputKind"/>: an existing folder is replaced only when it is empty or carries that marker with the same
/// kind (a previous output of the same command), never a folder of the user's, <c>--overwrite</c> or not.
/// </summary>
public static partial class OutputFolder
{
    /// <summary>The file that marks a staging or aside folder as Shear's.</summary>
    public const string Marker = ".shear-staging";

    /// <summary>The file that marks a committed output as Shear's; it holds the output's kind (<see cref="KindName"/>).</summary>
    public const string OwnerMarker = ".shear-output";

    /// <summary>Checks a target before any work.</summary>
    /// <exception cref="IOException">
    /// A file, or under one; the current folder or one above it; one of <paramref name="inputs"/>, inside one or holding
    /// one; non-empty and not a Shear output of <paramref name="kind"/>; such an output without <paramref name="overwrite"/>.
    /// </exception>
    public static void Check(string output, bool overwrite, OutputKind kind, string option = "--out", params string[] inputs)
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

        CheckReplaceable(full, kind, $"{option} {output}");
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any() && !overwrite)
        {
            throw new IOException($"{option} {output} exists (a Shear {KindName(kind)} output; use --overwrite to replace it)");
        }
    }

    /// <summary>
    /// Refuses to let a run replace <paramref name="output"/> unless it is absent, empty, or a Shear output of
    /// <paramref name="kind"/> (its <see cref="OwnerMarker"/> says so). The one rule for every command and grain that
    /// writes a folder; <paramref name="what"/> starts the message (e.g. <c>--out DIR</c>).
    /// </summary>
    /// <exception cref="IOException">A folder Shear did not make, or an output of another kind (named).</exception>
    public static void CheckReplaceable(string output, OutputKind kind, string what)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!Directory.Exists(output) || !Directory.EnumerateFileSystemEntries(output).Any())
        {
            return;
        }

        var owner = KindOf(output);
        if (owner is null)
        {
            throw new IOException($"{what} is a folder Shear did not make (it has files and no {OwnerMarker}): Shear never replaces it, --overwrite or not; choose a new folder");
        }

        if (owner != KindName(kind))
        {
            throw new IOException($"{what} holds a Shear {owner} output, not a {KindName(kind)}: choose another folder");
        }
    }

    /// <summary>The kind a committed output's marker names, or null where there is none (a folder Shear did not make).</summary>
    public static string? KindOf(string folder)
    {
        var marker = Path.Combine(folder, OwnerMarker);
        return File.Exists(marker) ? File.ReadAllText(marker).Trim() : null;
    }

    /// <summary>True when <paramref name="folder"/> is a committed Shear output of <paramref name="kind"/>.</summary>
    public static bool Holds(string folder, OutputKind kind) => Directory.Exists(folder) && KindOf(folder) == KindName(kind);

    /// <summary>The marker's spelling of a kind (<c>sub-model</c>, <c>report</c>, <c>tiny-model</c>, <c>builtin-data</c>).</summary>
    public static string KindName(OutputKind kind) => kind switch
    {
        OutputKind.SubModel => "sub-model",
        OutputKind.Report => "report",
        OutputKind.TinyModel => "tiny-model",
        OutputKind.BuiltinData => "builtin-data",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown output kind"),
    };

    /// <summary>
    /// Recovers an interrupted replacement, cleans stale staging folders of this target, and makes a new staging folder
    /// that already carries the output's <see cref="OwnerMarker"/> for <paramref name="kind"/>.
    /// </summary>
    public static string Stage(string output, OutputKind kind)
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
        MarkAsOurs(staging, full, kind);
        return staging;
    }

    /// <summary>
    /// Creates <paramref name="folder"/> as a staging folder of Shear's for <paramref name="target"/> (a fixed path such
    /// as a job's work folder), with the owner marker its committed output will carry.
    /// </summary>
    public static void MarkAsOurs(string folder, string target, OutputKind kind)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, OwnerMarker), KindName(kind) + "\n");
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
        if (KindOf(staging) is { } kind && Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any() && KindOf(full) != kind)
        {
            // Checked before any work; a folder made at the target since then is still never replaced.
            throw new IOException($"{output} appeared while Shear was writing and is not a Shear {kind} output: it is left as it is and nothing was written there");
        }

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
