using Shear.Grains.Connection;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Shear.Grains.Hosting;

/// <summary>Clustering, storage and reminders of a Shear silo from <see cref="ClusterSettings"/>.</summary>
public static class ShearCluster
{
    /// <summary>Configures the silo (computing on <paramref name="devices"/>; null: every visible GPU, else cpu); with Redis, first checks that it answers within the timeout.</summary>
    /// <exception cref="InvalidOperationException">Redis unreachable (address and timeout named).</exception>
    public static ISiloBuilder UseShearCluster(this ISiloBuilder silo, ClusterSettings settings, IReadOnlyList<string>? devices = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(settings);
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = ShearClient.ServiceId;
        });
        if (settings.Redis is null)
        {
            silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, null, ShearClient.ServiceId, settings.ClusterId)
                .AddMemoryGrainStorage(GrainStorage.Name)
                .UseInMemoryReminderService();
        }
        else
        {
            var options = ShearClient.RedisOptions(settings);
            silo.UseRedisClustering(o => o.ConfigurationOptions = options)
                .AddRedisGrainStorage(GrainStorage.Name, o => o.ConfigurationOptions = options)
                .UseRedisReminderService(o => o.ConfigurationOptions = options)
                .ConfigureEndpoints(settings.AdvertisedAddress is null ? Dns.GetHostName() : settings.AdvertisedAddress, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: true);
            silo.Services.AddHostedService<MembershipWatch>();
        }

        var advertised = settings.AdvertisedAddress ?? (settings.Redis is null ? "127.0.0.1" : Dns.GetHostName());
        return silo.AddShear(new DataPlane.DataPlaneOptions { Enabled = settings.DataPlane, Port = settings.DataPort, AdvertisedHost = advertised }, devices);
    }
}
