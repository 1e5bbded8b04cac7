using System.Text.Json;
using System.Text.RegularExpressions;
using Shear.Grains.Telemetry;
using Shear.Silo;
using YamlDotNet.RepresentationModel;

namespace Shear.Deploy.Tests;

public sealed partial class ManifestTests
{
    public static TheoryData<string> Overlays() => ["cpu", "gpu"];

    private static readonly string[] OperatorSecrets = ["shear-redis", "shear-grafana"];

    [Theory]
    [MemberData(nameof(Overlays))]
    public void KustomizeRendersTheOverlay(string overlay)
    {
        var (code, output, error) = Manifests.Render(overlay);
        Assert.True(code == 0, error);
        Assert.Contains("kind: StatefulSet", output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void SelectorsMatchTheirPodLabels(string overlay)
    {
        foreach (var w in Manifests.Documents(overlay).Workloads().Where(w => w.Kind() != "Job"))
        {
            var labels = w.Map("spec", "template", "metadata", "labels");
            foreach (var (key, value) in w.Map("spec", "selector", "matchLabels"))
            {
                Assert.True(labels.GetValueOrDefault(key) == value, $"{w.Name()}: selector {key}={value} not on its pods");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void ServicesSelectPodsAndTargetTheirContainerPorts(string overlay)
    {
        var docs = Manifests.Documents(overlay);
        foreach (var service in docs.Where(d => d.Kind() == "Service"))
        {
            var selector = service.Map("spec", "selector");
            var pods = docs.Workloads().Where(w => selector.All(s => w.Map("spec", "template", "metadata", "labels").GetValueOrDefault(s.Key) == s.Value)).ToList();
            Assert.True(pods.Count > 0, $"service {service.Name()} selects no pods");
            var ports = pods.SelectMany(p => p.Containers()).SelectMany(c => c.Items("ports")).Select(p => (Name: p.Str("name"), Port: p.Str("containerPort"))).ToList();
            foreach (var port in service.Items("spec", "ports"))
            {
                var target = port.Str("targetPort") ?? port.Str("port");
                Assert.True(ports.Any(p => p.Name == target || p.Port == target), $"service {service.Name()}: target port {target} is no container port of its pods");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void SiloRedisAddressIsTheRedisService(string overlay)
    {
        var docs = Manifests.Documents(overlay);
        var silo = docs.Single(d => d.Kind() == "StatefulSet" && d.Name() == "shear-silo");
        var redis = Env(silo.Containers().Single(), "Shear__Redis");
        var (host, port) = (redis.Split(':')[0], redis.Split(':', ',')[1]); // redis:6379,password=$(REDIS_PASSWORD)
        var service = docs.Single(d => d.Kind() == "Service" && d.Name() == host);
        Assert.Contains(service.Items("spec", "ports"), p => p.Str("port") == port);
        // The client job reaches the same Redis.
        var job = docs.Single(d => d.Kind() == "Job");
        Assert.Contains(redis, job.Containers().Single().Items("args").Select(a => ((YamlScalarNode)a).Value));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void ProbesPointAtTheServedHealthPathsAndPort(string overlay)
    {
        var silo = Manifests.Documents(overlay).Single(d => d.Kind() == "StatefulSet" && d.Name() == "shear-silo").Containers().Single();
        var ports = silo.Items("ports").ToDictionary(p => p.Str("name")!, p => int.Parse(p.Str("containerPort")!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(SiloDefaults.ReadyPath, silo.Str("readinessProbe", "httpGet", "path"));
        Assert.Equal(SiloDefaults.LivePath, silo.Str("livenessProbe", "httpGet", "path"));
        foreach (var probe in new[] { "readinessProbe", "livenessProbe" })
        {
            Assert.Equal(SiloDefaults.HealthPort, ports[silo.Str(probe, "httpGet", "port")!]);
        }

        Assert.Equal(SiloDefaults.HealthPort.ToString(System.Globalization.CultureInfo.InvariantCulture), Env(silo, "Shear__HealthPort"));
        Assert.Equal("+", Env(silo, "Shear__HealthHost")); // all interfaces inside the pod, or the kubelet cannot reach it
        Assert.Equal(SiloDefaults.PrometheusPort, ports["metrics"]);
        Assert.Equal((SiloDefaults.SiloPort, SiloDefaults.GatewayPort), (ports["silo"], ports["gateway"]));
    }

    [Fact]
    public void GpuSilosRequestGpusAndCpuSilosDoNot()
    {
        var gpu = Manifests.Documents("gpu").Single(d => d.Kind() == "StatefulSet" && d.Name() == "shear-silo");
        Assert.Equal("1", gpu.Containers().Single().Str("resources", "limits", "nvidia.com/gpu"));
        Assert.Equal("true", gpu.Str("spec", "template", "spec", "nodeSelector", "nvidia.com/gpu.present"));
        Assert.Contains(gpu.Items("spec", "template", "spec", "tolerations"), t => t.Str("key") == "nvidia.com/gpu");
        Assert.EndsWith(":gpu", gpu.Containers().Single().Str("image"), StringComparison.Ordinal);
        var cpu = Manifests.Documents("cpu").Single(d => d.Kind() == "StatefulSet" && d.Name() == "shear-silo");
        Assert.Null(cpu.Containers().Single().At("resources", "limits", "nvidia.com/gpu"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void EveryReferencedConfigMapSecretClaimAndAccountExists(string overlay)
    {
        var docs = Manifests.Documents(overlay);
        bool Has(string kind, string name) => docs.Any(d => d.Kind() == kind && d.Name() == name);
        foreach (var w in docs.Workloads())
        {
            var spec = w.At("spec", "template", "spec")!;
            var templates = w.Items("spec", "volumeClaimTemplates").Select(t => t.Str("metadata", "name")).ToHashSet();
            foreach (var v in spec.Items("volumes"))
            {
                if (v.Str("configMap", "name") is { } cm)
                {
                    Assert.True(Has("ConfigMap", cm), $"{w.Name()}: ConfigMap {cm} missing");
                }

                if (v.Str("secret", "secretName") is { } secret)
                {
                    Assert.True(Has("Secret", secret), $"{w.Name()}: Secret {secret} missing");
                }

                if (v.Str("persistentVolumeClaim", "claimName") is { } claim)
                {
                    Assert.True(Has("PersistentVolumeClaim", claim), $"{w.Name()}: PVC {claim} missing");
                }
            }

            foreach (var c in w.Containers())
            {
                foreach (var m in c.Items("volumeMounts"))
                {
                    var name = m.Str("name");
                    Assert.True(spec.Items("volumes").Any(v => v.Str("name") == name) || templates.Contains(name), $"{w.Name()}: mount {name} has no volume");
                }

                foreach (var e in c.Items("env"))
                {
                    if (e.Str("valueFrom", "configMapKeyRef", "name") is { } cm)
                    {
                        Assert.True(Has("ConfigMap", cm), $"{w.Name()}: ConfigMap {cm} missing");
                    }

                    if (e.Str("valueFrom", "secretKeyRef", "name") is { } secret)
                    {
                        // Passwords are the operator's (README: Deploying creates these), never in k8s/.
                        Assert.True(Has("Secret", secret) || OperatorSecrets.Contains(secret), $"{w.Name()}: Secret {secret} missing");
                        Assert.Contains($"create secret generic {secret}", File.ReadAllText(Path.Combine(Manifests.Repo, "README.md")), StringComparison.Ordinal);
                    }
                }
            }

            if (spec.Str("serviceAccountName") is { } account)
            {
                Assert.True(Has("ServiceAccount", account), $"{w.Name()}: ServiceAccount {account} missing");
            }

            if (w.Kind() == "StatefulSet")
            {
                Assert.True(Has("Service", w.Str("spec", "serviceName")!), $"{w.Name()}: its serviceName has no Service");
            }
        }

        foreach (var binding in docs.Where(d => d.Kind() == "RoleBinding"))
        {
            Assert.True(Has("Role", binding.Str("roleRef", "name")!), $"{binding.Name()}: role missing");
            Assert.All(binding.Items("subjects"), s => Assert.True(Has("ServiceAccount", s.Str("name")!), $"{binding.Name()}: account missing"));
        }
    }

    [Fact]
    public void DashboardQueriesOnlyMetricsTheSiloExports()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(Manifests.Repo, "k8s", "base", "dashboards", "shear.json")));
        var exprs = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!).ToList();
        Assert.True(exprs.Count >= 6);
        foreach (var expr in exprs)
        {
            var metrics = MetricName().Matches(expr).Select(m => m.Value).ToList();
            Assert.True(metrics.Count > 0, $"'{expr}' names no Shear metric");
            Assert.All(metrics, m => Assert.Contains(m, ShearTelemetry.PrometheusNames));
        }
    }

    private static string Env(YamlNode container, string name) =>
        container.Items("env").FirstOrDefault(e => e.Str("name") == name)?.Str("value") ?? throw new InvalidOperationException($"no env {name}");

    [GeneratedRegex(@"\bshear_[a-z_]+")]
    private static partial Regex MetricName();
}
