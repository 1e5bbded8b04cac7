using System.Xml.Linq;

namespace Shear.Numerics.Tests;

public sealed class ArchitectureTests
{
    [Fact]
    public void NumericsReferencesNoOrleansRedisOrConsolePackage()
    {
        var csproj = XDocument.Load(Path.Combine(RepoRoot(), "src", "Numerics", "Numerics.csproj"));
        var references = csproj.Descendants().Where(e => e.Name.LocalName is "PackageReference" or "ProjectReference")
            .Select(e => e.Attribute("Include")!.Value).ToList();
        Assert.Contains("TorchSharp", references);
        Assert.DoesNotContain(references, r => r.Contains("Orleans", StringComparison.OrdinalIgnoreCase)
            || r.Contains("Redis", StringComparison.OrdinalIgnoreCase) || r.Contains("Spectre", StringComparison.OrdinalIgnoreCase)
            || r.Contains("Options", StringComparison.OrdinalIgnoreCase) || (r.EndsWith(".csproj", StringComparison.Ordinal) && r != "Experiment/Numerics.Experiment.csproj"));
    }

    [Fact]
    public void TheExperimentVocabularyReferencesNothingButTheBcl()
    {
        var csproj = XDocument.Load(Path.Combine(RepoRoot(), "src", "Numerics", "Experiment", "Numerics.Experiment.csproj"));
        Assert.Empty(csproj.Descendants().Where(e => e.Name.LocalName is "PackageReference" or "ProjectReference").Select(e => e.Attribute("Include")!.Value));
        var referenced = typeof(Shear.Numerics.Experiment.MethodOptions).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.All(referenced, n => Assert.True(n.StartsWith("System", StringComparison.Ordinal) || n == "netstandard", n));
    }

    [Fact]
    public void NumericsAssemblyLoadsNoOrleansAssembly()
    {
        var referenced = typeof(Shear.Numerics.Models.CausalLM).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains("TorchSharp", referenced);
        Assert.DoesNotContain(referenced, n => n.StartsWith("Orleans", StringComparison.Ordinal) || n.StartsWith("Microsoft.Orleans", StringComparison.Ordinal));
    }

    internal static string RepoRoot() => Shear.Tests.Shared.TestRepo.Root;
}
