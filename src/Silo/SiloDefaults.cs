namespace Shear.Silo;

/// <summary>The silo's default ports and paths (the Kubernetes manifests and their tests use the same values).</summary>
public static class SiloDefaults
{
    /// <summary>Silo-to-silo port.</summary>
    public const int SiloPort = 11111;

    /// <summary>Client gateway port.</summary>
    public const int GatewayPort = 30000;

    /// <summary>Health endpoint port.</summary>
    public const int HealthPort = 8081;

    /// <summary>Prometheus endpoint port.</summary>
    public const int PrometheusPort = 9464;

    /// <summary>Liveness path.</summary>
    public const string LivePath = "/healthz/live";

    /// <summary>Readiness path.</summary>
    public const string ReadyPath = "/healthz/ready";

    /// <summary>Prometheus scrape path.</summary>
    public const string MetricsPath = "/metrics";
}
