namespace Shear.Client.Tests;

/// <summary>The console depends on the grain contracts only: no grain implementation, no silo host in its process.</summary>
public sealed class ArchitectureTests
{
    [Fact]
    public void TheConsoleReferencesTheContractsAndNumericsButNoGrainsOrSilo()
    {
        var referenced = typeof(UserError).Assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("Shear.", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Contains("Shear.Grains.Abstractions", referenced);
        Assert.DoesNotContain("Shear.Grains", referenced);
        Assert.DoesNotContain(referenced, n => n.Contains("Silo", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(AppContext.BaseDirectory, "Shear.Grains.dll")), "Shear.Grains.dll was copied beside the console");
    }
}
