using Shear.Grains.Connection;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Shear.Silo;

/// <summary>The silo's settings from configuration (<c>Shear:*</c> keys; environment <c>Shear__*</c>; command line <c>--Shear:Key=value</c>).</summary>
internal sealed record SiloOptions(ClusterSettings Cluster, string HealthHost, int HealthPort, string PrometheusHost, int? PrometheusPort, string? Otlp, bool Kubernetes)
{
    /// <summary>The devices this silo computes on (<c>Shear:Devices</c>: auto = every visible GPU, else cpu; or a list such as <c>cuda:0,cuda:1</c>).</summary>
    public IReadOnlyList<string> Devices { get; init; } = ["cpu"];

    /// <summary>A process whose end stops this silo (<c>Shear:ParentPid</c>, set by <c>shear demo</c>); null: none.</summary>
    public int? ParentPid { get; init; }

    public static SiloOptions From(IConfiguration config)
    {
        int Int(string key, int fallback) => config[key] is { } v
            ? int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : throw new ArgumentException($"{key} must be a whole number, got '{v}'")
            : fallback;
        var cluster = new ClusterSettings
        {
            Redis = string.IsNullOrWhiteSpace(config["Shear:Redis"]) ? null : config["Shear:Redis"],
            ClusterId = config["Shear:ClusterId"] ?? "shear",
            SiloPort = Int("Shear:SiloPort", SiloDefaults.SiloPort),
            GatewayPort = Int("Shear:GatewayPort", SiloDefaults.GatewayPort),
            AdvertisedAddress = config["Shear:AdvertisedAddress"],
            DataPort = Int("Shear:DataPort", 0),
            DataPlane = !string.Equals(config["Shear:DataPlane"], "false", StringComparison.OrdinalIgnoreCase),
        };
        int? prometheus = Int("Shear:PrometheusPort", SiloDefaults.PrometheusPort);
        return new SiloOptions(cluster, config["Shear:HealthHost"] ?? "127.0.0.1", Int("Shear:HealthPort", SiloDefaults.HealthPort),
            config["Shear:PrometheusHost"] ?? "127.0.0.1", prometheus == 0 ? null : prometheus, config["Shear:Otlp"],
            string.Equals(config["Shear:Kubernetes"], "true", StringComparison.OrdinalIgnoreCase))
        {
            ParentPid = config["Shear:ParentPid"] is null ? null : Int("Shear:ParentPid", 0),
            Devices = Numerics.Runtime.Devices.ForSilo(config["Shear:Devices"]),
        };
    }
}
