using Shear.Numerics.Experiment;
using Shear.Numerics.Runtime;

namespace Shear.Numerics.Pruning.Loop;

/// <summary>A shard in this process: its <see cref="LayerShard"/> runs on the given compute queue.</summary>
public sealed class InProcessShard : ILayerShard, IDisposable
{
    private readonly LayerShard _shard;
    private readonly IComputeQueue _compute;

    private InProcessShard(LayerShard shard, IComputeQueue compute) => (_shard, _compute) = (shard, compute);

    /// <summary>Starts a shard (embeds its batches, replays finished layers).</summary>
    public static async Task<InProcessShard> StartAsync(ShardSetup setup, IComputeQueue compute, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(compute);
        return new InProcessShard(await compute.Run(() => LayerShard.Start(setup), cancellationToken), compute);
    }

    /// <inheritdoc />
    public Task<LayerStatistics> ObserveAsync(int layer, CancellationToken cancellationToken) => _compute.Run(() => _shard.Observe(layer), cancellationToken);

    /// <inheritdoc />
    public Task<LayerMasks> MasksAsync(int layer, LayerStatistics statistics, IReadOnlyList<string> linears, SparsityPattern pattern, CancellationToken cancellationToken) =>
        _compute.Run(() => _shard.Masks(layer, statistics, linears, pattern), cancellationToken);

    /// <inheritdoc />
    public Task ForwardAsync(int layer, CancellationToken cancellationToken) => _compute.Run(() =>
    {
        _shard.Forward(layer);
        return true;
    }, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _shard.Dispose();
}
