using Shear.Numerics.Runtime;

namespace Shear.Numerics.Tests.Runtime;

public sealed class ElfVersionPatcherTests
{
    private static string GluePath => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    [Fact]
    public void GlueLibraryAsksOnlyForLibStdCxxVersionsTheSystemHasOrWeakOnes()
    {
        TorchRuntime.EnsureInitialized();
        var needs = ElfVersionPatcher.ReadVersionNeeds(File.ReadAllBytes(GluePath));
        var libstdcxx = needs.Where(n => n.Library == "libstdc++.so.6").ToList();
        Assert.NotEmpty(libstdcxx);
        var system = ElfVersionPatcher.DefinedVersionStrings(File.ReadAllBytes(FindSystemLibStdCxx()), "GLIBCXX_");
        var unsatisfied = libstdcxx.Where(n => n.Version.StartsWith("GLIBCXX_", StringComparison.Ordinal) && !n.IsWeak && !system.Contains(n.Version));
        Assert.Empty(unsatisfied.Select(n => n.Version));
    }

    [Fact]
    public void WeakenMissingSetsOnlyTheWeakBitOfMissingVersions()
    {
        var bytes = File.ReadAllBytes(GluePath);
        var before = ElfVersionPatcher.ReadVersionNeeds(bytes);
        var target = before.First(n => n.Library == "libstdc++.so.6" && !n.IsWeak);
        var changed = ElfVersionPatcher.WeakenMissing(bytes, n => n.Version != target.Version);
        Assert.Equal([target.Version], changed);
        var after = ElfVersionPatcher.ReadVersionNeeds(bytes);
        Assert.Equal(before.Count, after.Count);
        for (int i = 0; i < before.Count; i++)
        {
            ushort expected = before[i].Version == target.Version ? (ushort)(before[i].Flags | 2) : before[i].Flags;
            Assert.Equal(expected, after[i].Flags);
        }
    }

    [Fact]
    public void NonElfInputIsRejectedWithAClearMessage()
    {
        var e = Assert.Throws<InvalidDataException>(() => ElfVersionPatcher.ReadVersionNeeds(new byte[100]));
        Assert.Contains("ELF64", e.Message, StringComparison.Ordinal);
    }

    private static string FindSystemLibStdCxx() =>
        new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }.First(File.Exists);
}
