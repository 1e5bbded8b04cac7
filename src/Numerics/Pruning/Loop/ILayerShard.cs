using Shear.Numerics.Experiment;

namespace Shear.Numerics.Pruning.Loop;

/// <summary>
/// Where one shard of a job's calibration batches runs, layer after layer: in this process
/// (<see cref="InProcessShard"/>) or in a shard grain on a silo. A shard holds its batches' activations between
/// layers; it loads each layer's weights itself.
/// </summary>
public interface ILayerShard
{
    /// <summary>Loads layer <paramref name="layer"/> of the base checkpoint and observes this shard's batches: its part of the statistics.</summary>
    Task<LayerStatistics> ObserveAsync(int layer, CancellationToken cancellationToken);

    /// <summary>
    /// This shard's part of the mask step of layer <paramref name="layer"/>: the masks (and SparseGPT's new weights) of
    /// <paramref name="linears"/> from the layer's reduced <paramref name="statistics"/> at <paramref name="pattern"/>,
    /// computed on the shard's device from the base's weights.
    /// </summary>
    Task<LayerMasks> MasksAsync(int layer, LayerStatistics statistics, IReadOnlyList<string> linears, SparsityPattern pattern, CancellationToken cancellationToken);

    /// <summary>Loads the pruned layer <paramref name="layer"/> (as the loop wrote it) and runs this shard's batches through it.</summary>
    Task ForwardAsync(int layer, CancellationToken cancellationToken);
}
