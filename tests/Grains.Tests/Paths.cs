namespace Shear.Grains.Tests;

internal static class Paths
{
    public static string Fixtures => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static string Model(string family) => Path.Combine(Fixtures, "models", family);

    public static string Calibration => Path.Combine(Fixtures, "calibration", "mixed.jsonl");

    public static string Repo => Shear.Tests.Shared.TestRepo.Root;

    public static string TempDir()
    {
        var dir = Shear.Tests.Shared.TestTemp.NewDir("shear-grain-tests");
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static void AssertSameCheckpoint(string expected, string actual)
    {
        var files = Directory.GetFiles(expected, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(expected, f))
            .Where(f => f != "pruning.json" && f != "eval.json").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files, Directory.GetFiles(actual, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(actual, f))
            .Where(f => f != "pruning.json" && f != "eval.json").Order(StringComparer.Ordinal));
        Assert.Contains(files, f => f.StartsWith("masks", StringComparison.Ordinal));
        foreach (var f in files)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(expected, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, f))), $"{f} differs");
        }
    }
}
