using System.Net;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Shear.Grains.Abstractions;
using StackExchange.Redis;

namespace Shear.Grains.Connection;

/// <summary>How a client (the <c>shear</c> console, tools, tests) joins a Shear cluster; the Redis check silos share.</summary>
public static class ShearClient
{
    /// <summary>The Orleans service id of every Shear cluster.</summary>
    public const string ServiceId = "shear";

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
