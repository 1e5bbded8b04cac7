using YamlDotNet.RepresentationModel;

namespace Shear.Deploy.Tests;

/// <summary>The rendered overlays lock every pod down: non-root, no privilege escalation, no capabilities, seccomp, read-only root, tokens only where needed, secrets for passwords, network policies.</summary>
public sealed class PodSecurityTests
{
    public static TheoryData<string> Overlays() => ["cpu", "gpu"];

    [Theory]
    [MemberData(nameof(Overlays))]
    public void EveryPodRunsAsNonRootWithoutPrivilegesOnAReadOnlyRoot(string overlay)
    {
        foreach (var w in Manifests.Documents(overlay).Workloads())
        {
            var pod = w.At("spec", "template", "spec")!;
            Assert.True(pod.Str("securityContext", "runAsNonRoot") == "true", $"{w.Name()}: runAsNonRoot");
            Assert.True(int.Parse(pod.Str("securityContext", "runAsUser") ?? "0", System.Globalization.CultureInfo.InvariantCulture) > 0, $"{w.Name()}: runAsUser is root or unset");
            Assert.True(pod.Str("securityContext", "seccompProfile", "type") == "RuntimeDefault", $"{w.Name()}: seccomp profile");
            foreach (var c in w.Containers())
            {
                var name = $"{w.Name()}/{c.Str("name")}";
                Assert.True(c.Str("securityContext", "allowPrivilegeEscalation") == "false", $"{name}: allowPrivilegeEscalation");
                Assert.True(c.Str("securityContext", "readOnlyRootFilesystem") == "true", $"{name}: readOnlyRootFilesystem");
                Assert.Equal(["ALL"], c.Items("securityContext", "capabilities", "drop").Select(n => ((YamlScalarNode)n).Value));
                Assert.True(c.At("securityContext", "privileged") is null || c.Str("securityContext", "privileged") == "false", $"{name}: privileged");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void OnlyTheSilosAndPrometheusMountAServiceAccountTokenAndNoRoleDeletes(string overlay)
    {
        var docs = Manifests.Documents(overlay);
        foreach (var w in docs.Workloads())
        {
            bool needs = w.Name() is "shear-silo" or "prometheus"; // Orleans' Kubernetes hosting; Prometheus' pod discovery
            Assert.True(w.Str("spec", "template", "spec", "automountServiceAccountToken") == (needs ? "true" : "false"), $"{w.Name()}: automountServiceAccountToken");
        }

        foreach (var role in docs.Where(d => d.Kind() is "Role" or "ClusterRole"))
        {
            var verbs = role.Items("rules").SelectMany(r => r.Items("verbs")).Select(v => ((YamlScalarNode)v).Value).ToList();
            Assert.DoesNotContain("delete", verbs);
            Assert.DoesNotContain("*", verbs);
            Assert.DoesNotContain("create", verbs);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void RedisAndGrafanaTakeTheirPasswordsFromSecretsAndSilosAndClientUseRedisWithIt(string overlay)
    {
        var docs = Manifests.Documents(overlay);
        string? SecretOf(YamlNode container, string variable) => container.Items("env").FirstOrDefault(e => e.Str("name") == variable)?.Str("valueFrom", "secretKeyRef", "name");
        var redis = docs.Workloads().Single(w => w.Name() == "redis").Containers().Single();
        Assert.Equal("shear-redis", SecretOf(redis, "REDIS_PASSWORD"));
        Assert.Contains("--requirepass", redis.Items("args").Select(a => ((YamlScalarNode)a).Value));
        foreach (var name in new[] { "shear-silo", "shear-sweep" })
        {
            var c = docs.Workloads().Single(w => w.Name() == name).Containers().Single();
            Assert.Equal("shear-redis", SecretOf(c, "REDIS_PASSWORD"));
            var redisAddress = c.Items("env").FirstOrDefault(e => e.Str("name") == "Shear__Redis")?.Str("value")
                ?? c.Items("args").Select(a => ((YamlScalarNode)a).Value).SkipWhile(a => a != "--redis").Skip(1).First();
            Assert.Equal("redis:6379,password=$(REDIS_PASSWORD)", redisAddress);
        }

        var grafana = docs.Workloads().Single(w => w.Name() == "grafana").Containers().Single();
        Assert.Equal("shear-grafana", SecretOf(grafana, "GF_SECURITY_ADMIN_PASSWORD"));
        Assert.DoesNotContain(docs, d => d.Kind() == "Secret"); // k8s/ holds no secrets: the operator creates them
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void NetworkPoliciesLetOnlySilosAndTheClientReachRedisAndTheGateway(string overlay)
    {
        var policies = Manifests.Documents(overlay).Where(d => d.Kind() == "NetworkPolicy").ToList();
        var deny = policies.Single(p => p.Name() == "default-deny-ingress");
        Assert.Empty(deny.Map("spec", "podSelector"));
        Assert.Null(deny.At("spec", "ingress"));

        List<string> From(string policy, int port) => policies.Single(p => p.Name() == policy).Items("spec", "ingress")
            .Where(r => r.Items("ports").Any(p => p.Str("port") == port.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .SelectMany(r => r.Items("from").DefaultIfEmpty(new YamlMappingNode()))
            .Select(f => f.Str("podSelector", "matchLabels", "app.kubernetes.io/name") ?? "anyone").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["shear-client", "shear-silo"], From("redis", 6379));
        Assert.Equal(["shear-client", "shear-silo"], From("shear-silo", 30000));
        Assert.Equal(["shear-silo"], From("shear-silo", 11111));
        Assert.Equal(["shear-silo"], From("shear-silo", 11200));
        Assert.Equal(["prometheus"], From("shear-silo", 9464));
    }

    [Fact]
    public void ImagesKeepTheirFilesRootsAndInstallNothingByPipedScript()
    {
        foreach (var file in new[] { "silo.Dockerfile", "client.Dockerfile" })
        {
            var text = File.ReadAllText(Path.Combine(Manifests.Repo, "docker", file));
            Assert.DoesNotContain("| bash", text, StringComparison.Ordinal);
            Assert.DoesNotContain("| sh", text, StringComparison.Ordinal);
            Assert.DoesNotContain("--chown", text, StringComparison.Ordinal);
            Assert.Contains("bubblewrap", text, StringComparison.Ordinal);
        }
    }
}
