using System.Net;
using System.Net.Sockets;

namespace Shear.Grains.Connection;

/// <summary>
/// How a silo joins a cluster: Redis clustering, grain storage and reminders when <see cref="Redis"/> is set
/// (configuration <c>Shear:Redis</c>, environment <c>Shear__Redis</c>); localhost clustering and memory otherwise.
/// </summary>
public sealed record ClusterSettings
{
    /// <summary>StackExchange.Redis connection string, or null for a localhost cluster.</summary>
    public string? Redis { get; init; }

    /// <summary>Orleans cluster id (unique per test run, shared/ORLEANS.md).</summary>
    /// <value>Default <c>shear</c>.</value>
    public string ClusterId { get; init; } = "shear";

    /// <summary>Silo-to-silo port.</summary>
    /// <value>Default 11111.</value>
    public int SiloPort { get; init; } = 11111;

    /// <summary>Client gateway port.</summary>
    /// <value>Default 30000.</value>
    public int GatewayPort { get; init; } = 30000;

    /// <summary>The address other silos reach this one at (Kubernetes: the pod IP); null: loopback for localhost clusters, else the first address.</summary>
    public string? AdvertisedAddress { get; init; }

    /// <summary>Data-plane port for bulk activations (0: any free port; the handles carry it).</summary>
    public int DataPort { get; init; }

    /// <summary>Whether bulk activations use the data plane (false: chunked grain messages only).</summary>
    /// <value>Default true.</value>
    public bool DataPlane { get; init; } = true;

    /// <summary>How long connecting to Redis may take before the silo gives up with an error.</summary>
    /// <value>Default 5 s.</value>
    public TimeSpan RedisTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A free TCP port on loopback (for tests and the demo).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Refuses ports already in use: a second silo on a used port does not fail to bind, it declares itself the newer
    /// copy and the live silo shuts down (shared/ORLEANS.md).
    /// </summary>
    /// <exception cref="InvalidOperationException">A port is taken (named).</exception>
    public void EnsurePortsFree()
    {
        foreach (var (name, port) in new[] { ("silo", SiloPort), ("gateway", GatewayPort) })
        {
            try
            {
                using var listener = new TcpListener(IPAddress.Any, port);
                listener.Start();
            }
            catch (SocketException)
            {
                throw new InvalidOperationException($"{name} port {port} is already in use (another silo?); choose another with Shear:{(name == "silo" ? "SiloPort" : "GatewayPort")}");
            }
        }
    }
}
