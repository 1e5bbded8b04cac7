using Shear.Numerics.IO;

namespace Shear.Numerics.Tests.IO;

/// <summary>Output folders appear whole or not at all, replace only with consent, and survive a crash between the renames.</summary>
public sealed class OutputFolderTests
{
    private static List<string> Entries(string dir) => Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()!;

    // A committed output of the given kind at target, holding one file.
    private static void Output(string target, OutputKind kind, string file, string text)
    {
        var staging = OutputFolder.Stage(target, kind);
        File.WriteAllText(Path.Combine(staging, file), text);
        OutputFolder.Commit(staging, target);
    }

    [Fact]
    public void RefusesAFileTheCurrentFolderAndItsParents()
    {
        var dir = Fixtures.TempDir();
        File.WriteAllText(Path.Combine(dir, "f"), "x");
        Assert.Contains("is a file", Assert.Throws<IOException>(() => OutputFolder.Check(Path.Combine(dir, "f"), true, OutputKind.SubModel)).Message, StringComparison.Ordinal);
        Assert.Contains("--report . is the current folder", Assert.Throws<IOException>(() => OutputFolder.Check(".", true, OutputKind.Report, "--report")).Message, StringComparison.Ordinal);
        Assert.Contains("current folder or one above it", Assert.Throws<IOException>(() => OutputFolder.Check("..", true, OutputKind.SubModel)).Message, StringComparison.Ordinal);
        Assert.Contains("current folder or one above it", Assert.Throws<IOException>(() => OutputFolder.Check("/", true, OutputKind.SubModel)).Message, StringComparison.Ordinal);
        OutputFolder.Check(Path.Combine(dir, "new"), false, OutputKind.SubModel);
        Assert.Equal(["f"], Entries(dir));
    }

    [Fact]
    public void OverwriteReplacesOnlyAnEmptyFolderOrShearsOutputOfTheSameKind()
    {
        var root = Fixtures.TempDir();
        var mine = Path.Combine(root, "mine");
        Directory.CreateDirectory(mine);
        OutputFolder.Check(mine, false, OutputKind.SubModel); // empty: fine without --overwrite
        File.WriteAllText(Path.Combine(mine, "notes.txt"), "mine");
        foreach (var overwrite in new[] { false, true })
        {
            var e = Assert.Throws<IOException>(() => OutputFolder.Check(mine, overwrite, OutputKind.SubModel, "--out"));
            Assert.Equal($"--out {mine} is a folder Shear did not make (it has files and no .shear-output): Shear never replaces it, --overwrite or not; choose a new folder", e.Message);
        }

        var pruned = Path.Combine(root, "pruned");
        Output(pruned, OutputKind.SubModel, "model.safetensors", "w");
        Assert.Equal("sub-model", OutputFolder.KindOf(pruned));
        Assert.Contains("use --overwrite to replace it", Assert.Throws<IOException>(() => OutputFolder.Check(pruned, false, OutputKind.SubModel)).Message, StringComparison.Ordinal);
        OutputFolder.Check(pruned, true, OutputKind.SubModel);
        Assert.Equal($"--report {pruned} holds a Shear sub-model output, not a report: choose another folder",
            Assert.Throws<IOException>(() => OutputFolder.Check(pruned, true, OutputKind.Report, "--report")).Message);
        Assert.Equal(["notes.txt"], Entries(mine));
    }

    [Fact]
    public void CommitReplacesTheOldFolderWholeAndLeavesNothingBeside()
    {
        var root = Fixtures.TempDir();
        var target = Path.Combine(root, "out");
        Output(target, OutputKind.Report, "old.txt", "old");
        var staging = OutputFolder.Stage(target, OutputKind.Report);
        File.WriteAllText(Path.Combine(staging, "new.txt"), "new");
        Assert.Equal([".shear-output", "old.txt"], Entries(target)); // untouched until the commit
        OutputFolder.Commit(staging, target);
        Assert.Equal([".shear-output", "new.txt"], Entries(target));
        Assert.Equal(["out"], Entries(root));
    }

    [Fact]
    public void CommitNeverReplacesAFolderOfTheUsersThatAppearedAfterTheCheck()
    {
        var root = Fixtures.TempDir();
        var target = Path.Combine(root, "out");
        OutputFolder.Check(target, false, OutputKind.SubModel);
        var staging = OutputFolder.Stage(target, OutputKind.SubModel);
        File.WriteAllText(Path.Combine(staging, "new.txt"), "new");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "precious.txt"), "keep");
        Assert.Contains("is not a Shear sub-model output", Assert.Throws<IOException>(() => OutputFolder.Commit(staging, target)).Message, StringComparison.Ordinal);
        OutputFolder.Abandon(staging);
        Assert.Equal(["precious.txt"], Entries(target));
        Assert.Equal(["out"], Entries(root));
    }

    [Fact]
    public void ACrashBetweenTheRenamesIsRecoveredByTheNextRun()
    {
        var root = Fixtures.TempDir();
        var target = Path.Combine(root, "out");
        Output(target, OutputKind.SubModel, "precious.txt", "keep");
        var crashed = OutputFolder.Stage(target, OutputKind.SubModel);
        File.WriteAllText(Path.Combine(crashed, "half.txt"), "half");
        // The crash: the old folder was renamed aside, the new one not yet into place.
        Directory.Move(target, Path.Combine(root, $".out.old-{Guid.NewGuid():N}"));
        Assert.False(Directory.Exists(target));

        var next = OutputFolder.Stage(target, OutputKind.SubModel);
        Assert.Equal([".shear-output", "precious.txt"], Entries(target)); // the old copy is back
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
        var staging = OutputFolder.Stage(target, OutputKind.Report);
        OutputFolder.Abandon(lookalike);
        Assert.True(File.Exists(Path.Combine(lookalike, "mine.txt")));
        Assert.True(Directory.Exists(aside));
        Assert.False(Directory.Exists(target)); // nothing was recovered from a folder that is not Shear's
        OutputFolder.Abandon(staging);
    }
}
