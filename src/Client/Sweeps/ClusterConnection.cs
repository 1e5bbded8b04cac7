using Shear.Grains.Connection;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Shear.Client.Sweeps;

/// <summary>An Orleans client connected to a Shear cluster: through Redis membership, or a gateway address.</summary>
internal sealed class ClusterConnection : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterConnection(IHost host) => _host = host;

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    /// <summary>Connects within <paramref name="timeout"/>.</summary>
    /// <exception cref="ClusterUnavailableException">Unreachable (what was tried is named).</exception>
    public static async Task<ClusterConnection> Connect(string? redis, string gateway, string clusterId, TimeSpan timeout)
    {
        try
        {
            return await Start(redis, gateway, clusterId, timeout);
        }
        catch (InvalidOperationException e)
        {
            throw new ClusterUnavailableException(e.Message);
        }
    }

    private static async Task<ClusterConnection> Start(string? redis, string gateway, string clusterId, TimeSpan timeout)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        var settings = new ClusterSettings { Redis = redis, ClusterId = clusterId, RedisTimeout = timeout };
        var endpoint = redis is null ? Parse(gateway) : null;
        builder.UseOrleansClient(client => client.UseShearCluster(settings, endpoint, TimeSpan.FromMinutes(2)));
        var host = builder.Build();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await host.StartAsync(cts.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or OrleansException or TimeoutException or System.Net.Sockets.SocketException)
        {
            host.Dispose();
            throw new InvalidOperationException($"cannot reach the Shear cluster at {redis ?? gateway} within {timeout.TotalSeconds:F0} s ({e.GetType().Name})");
        }

        return new ClusterConnection(host);
    }

    private static IPEndPoint Parse(string gateway)
    {
        var colon = gateway.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(gateway[(colon + 1)..], out int port))
        {
            throw new ArgumentException($"--gateway {gateway}: expected HOST:PORT");
        }

        var host = gateway[..colon];
        var address = IPAddress.TryParse(host, out var ip) ? ip : Dns.GetHostAddresses(host).First();
        return new IPEndPoint(address, port);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            _host.Dispose();
        }
    }
}
