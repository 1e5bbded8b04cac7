using Shear.Numerics.Experiment;

namespace Shear.Grains.Abstractions;

/// <summary>Where a piece of work stands.</summary>
public enum WorkState
{
    /// <summary>Not started.</summary>
    Pending,

    /// <summary>Running.</summary>
    Running,

    /// <summary>Finished.</summary>
    Done,

    /// <summary>Failed (see the message).</summary>
    Failed,

    /// <summary>Cancelled by the user.</summary>
    Cancelled,
}

/// <summary>A prune job's progress.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Calibration">Its calibration dataset.</param>
/// <param name="Method">Its method.</param>
/// <param name="Pattern">Its pattern.</param>
/// <param name="State">Where it stands.</param>
/// <param name="LayersDone">Layers finished.</param>
/// <param name="Layers">Layer count (0 until known).</param>
/// <param name="Message">Error or note.</param>
/// <param name="Output">The sub-model's folder.</param>
[GenerateSerializer, Immutable, Alias("shear.v2.JobProgress")]
public sealed record JobProgress(
    [property: Id(0)] string JobId,
    [property: Id(1)] CalibrationSet Calibration,
    [property: Id(2)] MethodChoice Method,
    [property: Id(3)] SparsityPattern Pattern,
    [property: Id(4)] WorkState State,
    [property: Id(5)] int LayersDone,
    [property: Id(6)] int Layers,
    [property: Id(7)] string Message,
    [property: Id(8)] string Output);

/// <summary>One benchmark score of an evaluated model.</summary>
/// <param name="Domain">Domain.</param>
/// <param name="Benchmark">Benchmark.</param>
/// <param name="Metric">Metric.</param>
/// <param name="Value">Value.</param>
/// <param name="Items">Items.</param>
[GenerateSerializer, Immutable, Alias("shear.v1.Score")]
public sealed record Score(
    [property: Id(0)] string Domain,
    [property: Id(1)] string Benchmark,
    [property: Id(2)] string Metric,
    [property: Id(3)] double Value,
    [property: Id(4)] int Items)
{
    /// <summary>Its standard error, null where it has none.</summary>
    [Id(5)]
    public double? StdErr { get; init; }

    /// <summary>Its per-item values (0/1, METEOR, pass@k per problem, NLL per perplexity window), so rows can be compared item by item.</summary>
    [Id(6)]
    public double[]? PerItem { get; init; }
}

/// <summary>One evaluation shard: one domain of one model.</summary>
/// <param name="ShardId">Unique id.</param>
/// <param name="Row">The results-table row it fills (calibration name, or <c>dense</c>).</param>
/// <param name="Model">The model folder.</param>
/// <param name="Domain">The domain.</param>
/// <param name="Settings">The sweep's evaluation settings.</param>
/// <param name="Seed">Generation seed.</param>
/// <param name="DataDirectory">Datasets folder.</param>
[GenerateSerializer, Immutable, Alias("shear.v2.EvalShard")]
public sealed record EvalShard(
    [property: Id(0)] string ShardId,
    [property: Id(1)] string Row,
    [property: Id(2)] string Model,
    [property: Id(3)] EvalDomain Domain,
    [property: Id(4)] EvalSettings Settings,
    [property: Id(5)] long Seed,
    [property: Id(6)] string DataDirectory);

/// <summary>An evaluation shard's progress and result.</summary>
/// <param name="Shard">The shard.</param>
/// <param name="State">Where it stands.</param>
/// <param name="Scores">Its scores when done.</param>
/// <param name="DomainScore">The domain score (mean of the main metric) when done.</param>
/// <param name="Silo">Where it ran.</param>
/// <param name="Message">Error or note.</param>
[GenerateSerializer, Immutable, Alias("shear.v1.EvalShardProgress")]
public sealed record EvalShardProgress(
    [property: Id(0)] EvalShard Shard,
    [property: Id(1)] WorkState State,
    [property: Id(2)] Score[] Scores,
    [property: Id(3)] double? DomainScore,
    [property: Id(4)] string Silo,
    [property: Id(5)] string Message)
{
    /// <summary>Seconds the shard's evaluation took on its silo.</summary>
    [Id(6)]
    public double Seconds { get; init; }
}

/// <summary>A sweep's status: its jobs and evaluation shards.</summary>
/// <param name="SweepId">The sweep.</param>
/// <param name="State">Where it stands.</param>
/// <param name="Jobs">Prune jobs.</param>
/// <param name="Evaluations">Evaluation shards.</param>
/// <param name="Message">Error or note.</param>
[GenerateSerializer, Immutable, Alias("shear.v1.SweepStatus")]
public sealed record SweepStatus(
    [property: Id(0)] string SweepId,
    [property: Id(1)] WorkState State,
    [property: Id(2)] JobProgress[] Jobs,
    [property: Id(3)] EvalShardProgress[] Evaluations,
    [property: Id(4)] string Message);
