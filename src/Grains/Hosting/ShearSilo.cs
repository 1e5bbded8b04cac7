using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using Shear.Grains.Abstractions;
using Shear.Grains.DataPlane;
using Shear.Grains.Placement;
using Shear.Numerics.Runtime;

namespace Shear.Grains.Hosting;

/// <summary>What every Shear silo needs whatever its clustering: placement, the load reporter, message limits and timeouts, trace propagation, how grain state is serialized.</summary>
public static class ShearSilo
{
    /// <summary>Longest a grain call may take (a layer of a large model, an eval shard): 30 minutes.</summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Registers Shear's placement director, load reporter, data plane, messaging options and device pool on a silo:
    /// one device worker per entry of <paramref name="devices"/> (null: <see cref="Devices.ForSilo(string?)"/>'s
    /// default, every visible GPU, else cpu).
    /// </summary>
    public static ISiloBuilder AddShear(this ISiloBuilder silo, DataPlaneOptions? dataPlane = null, IReadOnlyList<string>? devices = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.AddSingleton(dataPlane ?? new DataPlaneOptions());
        silo.Services.AddSingleton<DataPlane.DataPlane>();
        silo.Services.AddHostedService(sp => sp.GetRequiredService<DataPlane.DataPlane>());
        silo.AddPlacementDirector<LeastBusyPlacement, LeastBusyDirector>();
        silo.AddActivityPropagation();
        silo.Configure<SiloMessagingOptions>(o =>
        {
            o.ResponseTimeout = ResponseTimeout;
            o.SystemResponseTimeout = ResponseTimeout;
            o.MaxMessageBodySize = ShearLimits.MaxMessageBodySize;
        });
        silo.Services.AddHostedService<LoadReporter>();
        // Grain state is written by Orleans' own serializer, as on the wire: the vocabulary's surrogates, stable ids and
        // aliases (the providers' default, JSON with CLR type names, cannot build the vocabulary's immutable types).
        silo.Services.AddOptions<MemoryGrainStorageOptions>(GrainStorage.Name).Configure<Serializer>((o, s) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(s));
        silo.Services.AddOptions<Orleans.Persistence.RedisStorageOptions>(GrainStorage.Name).Configure<Serializer>((o, s) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(s));
        silo.Services.AddSingleton(_ =>
        {
            var pool = new DevicePool(devices ?? Devices.ForSilo(null));
            Telemetry.ShearTelemetry.Watch(pool);
            return pool;
        });
        return silo;
    }
}
