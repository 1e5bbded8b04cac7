namespace Shear.Client.Tests;

public sealed class CompareCommandTests
{
    private static (int Code, string Out, string Err) Shear(params string[] args) => Cli.Shear(args);

    private static string NewDir() => Cli.NewDir();

    [Fact]
    public void EmptyFolderIsNamedAndNothingIsWritten()
    {
        var empty = NewDir();
        var output = Path.Combine(NewDir(), "report");
        var (code, _, err) = Shear("compare", empty, empty, "--out", output);
        Assert.Equal(2, code);
        Assert.Equal($"error: {empty}: no mask files (*.mask.safetensors) in it or in its masks/ folder", err.TrimEnd('\n'));
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void NamesMustMatchFolders()
    {
        var (code, _, err) = Shear("compare", "a", "b", "--names", "x");
        Assert.Equal(2, code);
        Assert.Equal("error: --names has 1 labels for 2 folders", err.TrimEnd('\n'));
    }

    [Fact]
    public void AReportIntoTheCurrentFolderOrANonEmptyOneIsRefusedAndNothingIsTouched()
    {
        var mine = NewDir();
        File.WriteAllText(Path.Combine(mine, "notes.txt"), "mine");
        var (code, _, err) = Shear("compare", "a", "b", "--out", mine);
        Assert.Equal(2, code);
        Assert.Equal($"error: --out {mine} is a folder Shear did not make (it has files and no .shear-output): Shear never replaces it, --overwrite or not; choose a new folder", err.TrimEnd('\n'));
        (code, _, err) = Shear("compare", "a", "b", "--out", mine, "--overwrite");
        Assert.Equal(2, code);
        Assert.Contains("Shear did not make", err, StringComparison.Ordinal);
        (code, _, err) = Shear("compare", "a", "b", "--out", ".", "--overwrite");
        Assert.Equal(2, code);
        Assert.Equal("error: --out . is the current folder or one above it: choose a new folder", err.TrimEnd('\n'));
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(mine).Select(Path.GetFileName));
    }
}
