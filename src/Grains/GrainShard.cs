using Shear.Grains.Abstractions;
using Shear.Numerics.Experiment;
using Shear.Numerics.Pruning;
using Shear.Numerics.Pruning.Loop;

namespace Shear.Grains;

/// <summary>
/// The layer loop's view of a shard grain: statistics and masks travel as bytes (inline or through a shared-volume
/// file); turning them into tensors and back (GBs of Hessians for SparseGPT) runs on the job's device worker, never in
/// the job grain's turn.
/// </summary>
internal sealed class GrainShard(IShardGrain grain, string workDirectory, TorchSharp.torch.Device device, Numerics.Runtime.IComputeQueue compute) : ILayerShard
{
    /// <summary>The grain.</summary>
    public IShardGrain Grain => grain;

    /// <inheritdoc />
    public async Task<LayerStatistics> ObserveAsync(int layer, CancellationToken cancellationToken)
    {
        var part = await grain.Observe(layer);
        return await compute.Run(() => LayerStatistics.FromBytes(ShardPayload.Unpack(part)), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<LayerMasks> MasksAsync(int layer, LayerStatistics statistics, IReadOnlyList<string> linears, SparsityPattern pattern, CancellationToken cancellationToken)
    {
        var file = Path.Combine(workDirectory, ".statistics", $"layer-{layer:D5}-reduced-{grain.GetPrimaryKeyString().Replace('/', '-')}.bin");
        var part = await compute.Run(() => ShardPayload.Pack(layer, statistics.ToBytes(linears), file), cancellationToken);
        var masks = await grain.Masks(layer, part, [.. linears], pattern.IsNofM ? null : pattern.Ratio);
        return await compute.Run(() => LayerMasks.FromBytes(ShardPayload.Unpack(masks), device), cancellationToken); // host: one layer's masks arrive once per layer
    }

    /// <inheritdoc />
    public Task ForwardAsync(int layer, CancellationToken cancellationToken) => grain.Forward(layer);
}
