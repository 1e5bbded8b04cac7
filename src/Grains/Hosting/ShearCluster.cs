using System.Net;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Shear.Grains.Abstractions;
using StackExchange.Redis;

namespace Shear.Grains.Hosting;

/// <summary>Clustering, storage and reminders of a Shear silo from <see cref="ClusterSettings"/>.</summary>
public static class ShearCluster
{
    /// <summary>The Orleans service id of every Shear cluster.</summary>
    public const string ServiceId = "shear";

    /// <summary>Configures the silo; with Redis, first checks that it answers within the timeout.</summary>
    /// <exception cref="InvalidOperationException">Redis unreachable (address and timeout named).</exception>
    public static ISiloBuilder UseShearCluster(this ISiloBuilder silo, ClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(settings);
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = ServiceId;
        });
        if (settings.Redis is null)
        {
            silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, null, ServiceId, settings.ClusterId)
                .AddMemoryGrainStorage(GrainStorage.Name)
                .UseInMemoryReminderService();
        }
        else
        {
            var options = RedisOptions(settings);
            silo.UseRedisClustering(o => o.ConfigurationOptions = options)
                .AddRedisGrainStorage(GrainStorage.Name, o => o.ConfigurationOptions = options)
                .UseRedisReminderService(o => o.ConfigurationOptions = options)
                .ConfigureEndpoints(settings.AdvertisedAddress is null ? Dns.GetHostName() : settings.AdvertisedAddress, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: true);
        }

        var advertised = settings.AdvertisedAddress ?? (settings.Redis is null ? "127.0.0.1" : Dns.GetHostName());
        return silo.AddShear(new DataPlane.DataPlaneOptions { Enabled = settings.DataPlane, Port = settings.DataPort, AdvertisedHost = advertised });
    }

    /// <summary>
    /// The client side of the same cluster: Redis membership when <see cref="ClusterSettings.Redis"/> is set (checked
    /// first, as on a silo), else the given gateway; the silos' message limit and trace propagation.
    /// </summary>
    /// <exception cref="InvalidOperationException">Redis unreachable (address and timeout named).</exception>
    public static IClientBuilder UseShearCluster(this IClientBuilder client, ClusterSettings settings, IPEndPoint? gateway, TimeSpan responseTimeout)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(settings);
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = ServiceId;
        });
        if (settings.Redis is not null)
        {
            var options = RedisOptions(settings);
            client.UseRedisClustering(o => o.ConfigurationOptions = options);
        }
        else
        {
            client.UseStaticClustering(gateway ?? throw new ArgumentException("a Shear client needs Redis or a gateway address"));
        }

        client.AddActivityPropagation();
        client.Configure<ClientMessagingOptions>(o =>
        {
            o.ResponseTimeout = responseTimeout;
            o.MaxMessageBodySize = ShearLimits.MaxMessageBodySize;
        });
        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
        return client;
    }

    /// <summary>Redis options with the settings' timeouts; checks the server answers a PING first.</summary>
    /// <exception cref="InvalidOperationException">Unreachable within the timeout.</exception>
    public static ConfigurationOptions RedisOptions(ClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = ConfigurationOptions.Parse(settings.Redis!);
        options.ConnectTimeout = (int)settings.RedisTimeout.TotalMilliseconds;
        options.SyncTimeout = (int)settings.RedisTimeout.TotalMilliseconds;
        options.AbortOnConnectFail = true;
        try
        {
            using var connection = ConnectionMultiplexer.Connect(options.Clone());
            connection.GetDatabase().Ping();
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
        {
            throw new InvalidOperationException($"Redis at {settings.Redis} is unreachable (waited {settings.RedisTimeout.TotalSeconds:F0} s): {e.Message.Split('\n')[0]}");
        }

        options.AbortOnConnectFail = false; // once it answered, let the cluster ride out short outages
        return options;
    }
}
