using System.Globalization;
using Microsoft.Extensions.Configuration;
using Shear.Grains.Hosting;

namespace Shear.Silo;

/// <summary>The silo's settings from configuration (<c>Shear:*</c> keys; environment <c>Shear__*</c>; command line <c>--Shear:Key=value</c>).</summary>
internal sealed record SiloOptions(ClusterSettings Cluster, string HealthHost, int HealthPort, string PrometheusHost, int? PrometheusPort, string? Otlp)
{
    public static SiloOptions From(IConfiguration config)
    {
        int Int(string key, int fallback) => config[key] is { } v
            ? int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : throw new ArgumentException($"{key} must be a port number, got '{v}'")
            : fallback;
        var cluster = new ClusterSettings
        {
            Redis = string.IsNullOrWhiteSpace(config["Shear:Redis"]) ? null : config["Shear:Redis"],
            ClusterId = config["Shear:ClusterId"] ?? "shear",
            SiloPort = Int("Shear:SiloPort", 11111),
            GatewayPort = Int("Shear:GatewayPort", 30000),
            AdvertisedAddress = config["Shear:AdvertisedAddress"],
        };
        int? prometheus = config["Shear:PrometheusPort"] is null ? 9464 : Int("Shear:PrometheusPort", 9464);
        return new SiloOptions(cluster, config["Shear:HealthHost"] ?? "127.0.0.1", Int("Shear:HealthPort", 8081),
            config["Shear:PrometheusHost"] ?? "127.0.0.1", prometheus == 0 ? null : prometheus, config["Shear:Otlp"]);
    }
}
