using Shear.Numerics.IO;

namespace Shear.Numerics.Tests.IO;

/// <summary>Output folders appear whole or not at all, replace only with consent, and survive a crash between the renames.</summary>
public sealed class OutputFolderTests
{
    private static List<string> Entries(string dir) => Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()!;

    [Fact]
    public void RefusesAFileTheCurrentFolderItsParentsAndANonEmptyFolderWithoutOverwrite()
    {
        var dir = Fixtures.TempDir();
        File.WriteAllText(Path.Combine(dir, "f"), "x");
        Assert.Contains("is a file", Assert.Throws<IOException>(() => OutputFolder.Check(Path.Combine(dir, "f"), true)).Message, StringComparison.Ordinal);
        Assert.Contains("--report . is the current folder", Assert.Throws<IOException>(() => OutputFolder.Check(".", true, "--report")).Message, StringComparison.Ordinal);
        Assert.Contains("current folder or one above it", Assert.Throws<IOException>(() => OutputFolder.Check("..", true)).Message, StringComparison.Ordinal);
        Assert.Contains("current folder or one above it", Assert.Throws<IOException>(() => OutputFolder.Check("/", true)).Message, StringComparison.Ordinal);
        Assert.Contains("exists and is not empty", Assert.Throws<IOException>(() => OutputFolder.Check(dir, false)).Message, StringComparison.Ordinal);
        OutputFolder.Check(dir, true);
        OutputFolder.Check(Path.Combine(dir, "new"), false);
        Assert.Equal(["f"], Entries(dir));
    }

    [Fact]
    public void CommitReplacesTheOldFolderWholeAndLeavesNothingBeside()
    {
        var root = Fixtures.TempDir();
        var target = Path.Combine(root, "out");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "old.txt"), "old");
        var staging = OutputFolder.Stage(target);
        File.WriteAllText(Path.Combine(staging, "new.txt"), "new");
        Assert.Equal(["old.txt"], Entries(target)); // untouched until the commit
        OutputFolder.Commit(staging, target);
        Assert.Equal(["new.txt"], Entries(target));
        Assert.Equal(["out"], Entries(root));
    }

    [Fact]
    public void ACrashBetweenTheRenamesIsRecoveredByTheNextRun()
    {
        var root = Fixtures.TempDir();
        var target = Path.Combine(root, "out");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "precious.txt"), "keep");
        var crashed = OutputFolder.Stage(target);
        File.WriteAllText(Path.Combine(crashed, "half.txt"), "half");
        // The crash: the old folder was renamed aside, the new one not yet into place.
        Directory.Move(target, Path.Combine(root, $".out.old-{Guid.NewGuid():N}"));
        Assert.False(Directory.Exists(target));

        var next = OutputFolder.Stage(target);
        Assert.Equal(["precious.txt"], Entries(target)); // the old copy is back
        Assert.False(Directory.Exists(crashed));          // the crashed run's staging is gone
        Assert.Equal(new[] { "out", Path.GetFileName(next) }.Order(StringComparer.Ordinal), Entries(root));
        OutputFolder.Abandon(next);
        Assert.Equal(["out"], Entries(root));
    }

    [Fact]
    public void FoldersThatAreNotShearsAreNeverDeleted()
    {
        var root = Fixtures.TempDir();
        var target = Path.Combine(root, "out");
        var lookalike = Path.Combine(root, ".out.tmp-mine");
        var aside = Path.Combine(root, ".out.old-notahexid");
        Directory.CreateDirectory(lookalike);
        Directory.CreateDirectory(aside);
        File.WriteAllText(Path.Combine(lookalike, "mine.txt"), "mine");
        var staging = OutputFolder.Stage(target);
        OutputFolder.Abandon(lookalike);
        Assert.True(File.Exists(Path.Combine(lookalike, "mine.txt")));
        Assert.True(Directory.Exists(aside));
        Assert.False(Directory.Exists(target)); // nothing was recovered from a folder that is not Shear's
        OutputFolder.Abandon(staging);
    }
}
