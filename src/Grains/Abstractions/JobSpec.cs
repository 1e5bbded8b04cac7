namespace Shear.Grains.Abstractions;

/// <summary>One pruning job of a sweep: a model, a calibration set, a method and a pattern.</summary>
/// <param name="JobId">Unique id (<c>SWEEP/j3</c>).</param>
/// <param name="Model">Base checkpoint folder.</param>
/// <param name="Calibration">Calibration dataset.</param>
/// <param name="Method">Pruning method name.</param>
/// <param name="Pattern">Sparsity pattern text.</param>
/// <param name="Sparsity">Fraction pruned (unstructured).</param>
/// <param name="NSamples">Calibration samples.</param>
/// <param name="SeqLen">Calibration length.</param>
/// <param name="Seed">Sampling seed.</param>
/// <param name="Output">The sub-model's folder.</param>
/// <param name="DataDirectory">Datasets folder.</param>
[GenerateSerializer, Immutable, Alias("shear.v1.JobSpec")]
public sealed record JobSpec(
    [property: Id(0)] string JobId,
    [property: Id(1)] string Model,
    [property: Id(2)] string Calibration,
    [property: Id(3)] string Method,
    [property: Id(4)] string Pattern,
    [property: Id(5)] double Sparsity,
    [property: Id(6)] int NSamples,
    [property: Id(7)] int SeqLen,
    [property: Id(8)] long Seed,
    [property: Id(9)] string Output,
    [property: Id(10)] string DataDirectory)
{
    /// <summary>The job's work folder (layer parts and masks), beside its output.</summary>
    public string WorkDirectory => Output.TrimEnd('/') + ".work";
}

/// <summary>What a layer grain is asked to do.</summary>
/// <param name="Job">The job.</param>
/// <param name="Layer">Layer index.</param>
/// <param name="Layers">Layer count.</param>
/// <param name="Batches">Input batches it will receive.</param>
[GenerateSerializer, Immutable, Alias("shear.v1.LayerTask")]
public sealed record LayerTask(
    [property: Id(0)] JobSpec Job,
    [property: Id(1)] int Layer,
    [property: Id(2)] int Layers,
    [property: Id(3)] int Batches);

/// <summary>One finished layer: its sparsity per Linear and where it ran.</summary>
/// <param name="Layer">Layer index.</param>
/// <param name="Sparsity">Exact zeros over its Linears.</param>
/// <param name="Linears">Per Linear.</param>
/// <param name="Seconds">Observe + prune time.</param>
/// <param name="Silo">The silo that ran it.</param>
[GenerateSerializer, Immutable, Alias("shear.v1.LayerOutcome")]
public sealed record LayerOutcome(
    [property: Id(0)] int Layer,
    [property: Id(1)] double Sparsity,
    [property: Id(2)] Dictionary<string, double> Linears,
    [property: Id(3)] double Seconds,
    [property: Id(4)] string Silo);
