using Shear.Grains.Abstractions;
using Shear.Numerics.Pruning;
using Shear.Numerics.Pruning.Loop;

namespace Shear.Grains;

/// <summary>The layer loop's view of a shard grain: statistics come back as bytes (inline or through a shared-volume file).</summary>
internal sealed class GrainShard(IShardGrain grain) : ILayerShard
{
    /// <summary>The grain.</summary>
    public IShardGrain Grain => grain;

    /// <inheritdoc />
    public async Task<LayerStatistics> ObserveAsync(int layer, CancellationToken cancellationToken)
    {
        var part = await grain.Observe(layer);
        if (part.Bytes is not null)
        {
            return LayerStatistics.FromBytes(part.Bytes);
        }

        var bytes = await File.ReadAllBytesAsync(part.File!, cancellationToken);
        File.Delete(part.File!);
        return LayerStatistics.FromBytes(bytes);
    }

    /// <inheritdoc />
    public Task ForwardAsync(int layer, CancellationToken cancellationToken) => grain.Forward(layer);
}
