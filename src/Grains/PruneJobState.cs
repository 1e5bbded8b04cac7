using Shear.Grains.Abstractions;

namespace Shear.Grains;

/// <summary>A prune job's persisted state: where it stands, its finished layers, its attempts and shard count.</summary>
[GenerateSerializer, Alias("shear.v1.PruneJobState")]
public sealed class PruneJobState
{
    /// <summary>The job.</summary>
    [Id(0)]
    public JobSpec? Spec { get; set; }

    /// <summary>Where it stands.</summary>
    [Id(1)]
    public WorkState State { get; set; }

    /// <summary>Layers finished, in order (they are already in the staged output).</summary>
    [Id(2)]
    public List<LayerOutcome> Layers { get; set; } = [];

    /// <summary>Layer count.</summary>
    [Id(3)]
    public int LayerCount { get; set; }

    /// <summary>Attempts so far (each retry uses fresh shard grains).</summary>
    [Id(4)]
    public int Attempt { get; set; }

    /// <summary>Error of the last attempt.</summary>
    [Id(5)]
    public string Message { get; set; } = "";

    /// <summary>The job's shard count, fixed at its first attempt (so a retry on fewer silos gives the same bits).</summary>
    [Id(6)]
    public int Shards { get; set; }

    /// <summary>OWL's outlier ratio of each layer measured so far (its pass over the dense model comes before the first layer is pruned).</summary>
    [Id(7)]
    public List<double> OutlierRatios { get; set; } = [];

    /// <summary>The starting call's W3C trace parent: every layer's span joins that trace, whichever activation runs it.</summary>
    [Id(8)]
    public string? TraceParent { get; set; }
}
