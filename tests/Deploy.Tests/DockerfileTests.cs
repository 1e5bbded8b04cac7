using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Shear.Deploy.Tests;

public sealed partial class DockerfileTests
{
    public static TheoryData<string, string> Images() => new()
    {
        { "silo.Dockerfile", "src/Silo/Silo.csproj" },
        { "client.Dockerfile", "src/Client/Client.csproj" },
    };

    private static string[] Lines(string file) => File.ReadAllLines(Path.Combine(Manifests.Repo, "docker", file));

    [Theory]
    [MemberData(nameof(Images))]
    public void EveryCopiedPathExists(string file, string project)
    {
        var copies = Lines(file).Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from=", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(copies);
        foreach (var line in copies)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Where(p => !p.StartsWith("--", StringComparison.Ordinal)).ToList();
            foreach (var source in parts.SkipLast(1))
            {
                var path = Path.Combine(Manifests.Repo, source.TrimEnd('/'));
                Assert.True(File.Exists(path) || Directory.Exists(path), $"{file}: COPY source {source} does not exist");
            }
        }

        Assert.Contains(Lines(file), l => l.Contains($"dotnet publish {project}", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void EntrypointIsTheAssemblyTheProjectBuilds(string file, string project)
    {
        var assembly = XDocument.Load(Path.Combine(Manifests.Repo, project)).Descendants("AssemblyName").Single().Value;
        var entry = Lines(file).Single(l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal));
        Assert.Equal($"ENTRYPOINT [\"dotnet\", \"{assembly}.dll\"]", entry);
        Assert.Contains(Lines(file), l => l.StartsWith("USER ", StringComparison.Ordinal)); // not root
    }

    [Fact]
    public void ClientImagePublishesTheSiloHostBesideTheConsoleForTheDemo()
    {
        // `shear demo` looks for shear-silo.dll beside shear.dll: both published into the same folder.
        var publishes = Lines("client.Dockerfile").Where(l => l.StartsWith("RUN dotnet publish", StringComparison.Ordinal)).ToList();
        Assert.Contains(publishes, l => l.Contains("src/Client/Client.csproj", StringComparison.Ordinal) && l.Contains("-o /app ", StringComparison.Ordinal));
        Assert.Contains(publishes, l => l.Contains("src/Silo/Silo.csproj", StringComparison.Ordinal) && l.Contains("-o /app ", StringComparison.Ordinal));
    }

    [Fact]
    public void GpuImageSelectsTheCudaTorchPackage()
    {
        var lines = Lines("silo.Dockerfile");
        Assert.Contains(lines, l => l.Contains("-p:ShearTorchBackend=${TORCH_BACKEND}", StringComparison.Ordinal));
        var props = File.ReadAllText(Path.Combine(Manifests.Repo, "src", "Numerics", "Numerics.csproj"));
        Assert.Matches(CudaCondition(), props);
    }

    [GeneratedRegex(@"'\$\(ShearTorchBackend\)' == 'cuda'")]
    private static partial Regex CudaCondition();
}
