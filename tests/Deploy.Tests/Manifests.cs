using System.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace Shear.Deploy.Tests;

/// <summary>The repository's Kubernetes manifests, rendered by <c>kubectl kustomize</c>, as YAML documents.</summary>
internal static class Manifests
{
    public static string Repo => Shear.Tests.Shared.TestRepo.Root;

    public static string? Kubectl => new[] { "/usr/bin/kubectl", "/usr/local/bin/kubectl" }.FirstOrDefault(File.Exists);

    /// <summary>Renders an overlay; the test is skipped where kubectl is missing (.ci/run makes sure it is there).</summary>
    public static (int Code, string Output, string Error) Render(string overlay)
    {
        if (Kubectl is null)
        {
            Assert.Skip("kubectl missing (apt-get install kubectl)");
        }

        var info = new ProcessStartInfo(Kubectl, $"kustomize {Path.Combine(Repo, "k8s", "overlays", overlay)}") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output.Result, error);
    }

    public static List<YamlMappingNode> Documents(string overlay)
    {
        var (code, output, error) = Render(overlay);
        Assert.True(code == 0, error);
        var stream = new YamlStream();
        stream.Load(new StringReader(output));
        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }

    public static YamlNode? At(this YamlNode node, params string[] path)
    {
        var current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    public static string? Str(this YamlNode node, params string[] path) => (node.At(path) as YamlScalarNode)?.Value;

    public static IEnumerable<YamlNode> Items(this YamlNode node, params string[] path) =>
        node.At(path) is YamlSequenceNode seq ? seq.Children : [];

    public static Dictionary<string, string> Map(this YamlNode node, params string[] path) =>
        node.At(path) is YamlMappingNode map ? map.Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => (p.Value as YamlScalarNode)?.Value ?? "") : [];

    public static string Kind(this YamlNode doc) => doc.Str("kind")!;

    public static string Name(this YamlNode doc) => doc.Str("metadata", "name")!;

    public static IEnumerable<YamlMappingNode> Workloads(this IEnumerable<YamlMappingNode> docs) =>
        docs.Where(d => d.Kind() is "Deployment" or "StatefulSet" or "Job");

    public static IEnumerable<YamlNode> Containers(this YamlNode workload) => workload.Items("spec", "template", "spec", "containers");
}
