using Shear.Grains.Abstractions;
using Shear.Numerics.Experiment;
using Shear.Numerics.Pruning;
using Shear.Numerics.Pruning.Loop;

namespace Shear.Grains;

/// <summary>The layer loop's view of a shard grain: statistics and masks travel as bytes (inline or through a shared-volume file).</summary>
internal sealed class GrainShard(IShardGrain grain, string workDirectory, TorchSharp.torch.Device device) : ILayerShard
{
    /// <summary>The grain.</summary>
    public IShardGrain Grain => grain;

    /// <inheritdoc />
    public async Task<LayerStatistics> ObserveAsync(int layer, CancellationToken cancellationToken) =>
        LayerStatistics.FromBytes(ShardPayload.Unpack(await grain.Observe(layer)));

    /// <inheritdoc />
    public async Task<LayerMasks> MasksAsync(int layer, LayerStatistics statistics, IReadOnlyList<string> linears, SparsityPattern pattern, CancellationToken cancellationToken)
    {
        var file = Path.Combine(workDirectory, ".statistics", $"layer-{layer:D5}-reduced-{grain.GetPrimaryKeyString().Replace('/', '-')}.bin");
        var part = ShardPayload.Pack(layer, statistics.ToBytes(linears), file);
        var masks = await grain.Masks(layer, part, [.. linears], pattern.IsNofM ? null : pattern.Ratio);
        return LayerMasks.FromBytes(ShardPayload.Unpack(masks), device); // host: one layer's masks arrive once per layer
    }

    /// <inheritdoc />
    public Task ForwardAsync(int layer, CancellationToken cancellationToken) => grain.Forward(layer);
}
