using Shear.Grains.Abstractions;

namespace Shear.Grains;

/// <summary>A sweep's persisted state.</summary>
[GenerateSerializer, Alias("shear.v1.SweepState")]
public sealed class SweepState
{
    /// <summary>The spec (null: no sweep).</summary>
    [Id(0)]
    public SweepSpec? Spec { get; set; }

    /// <summary>Where it stands.</summary>
    [Id(1)]
    public WorkState State { get; set; }

    /// <summary>Jobs and their progress.</summary>
    [Id(2)]
    public List<JobSpec> Jobs { get; set; } = [];

    /// <summary>Last known progress per job id.</summary>
    [Id(3)]
    public Dictionary<string, JobProgress> JobProgress { get; set; } = [];

    /// <summary>Evaluation shards and their results, by shard id (absent: not started).</summary>
    [Id(4)]
    public Dictionary<string, EvalShardProgress> Evaluations { get; set; } = [];

    /// <summary>Error or note.</summary>
    [Id(5)]
    public string Message { get; set; } = "";

    /// <summary>The submitting call's W3C trace parent: the sweep's work joins that trace whichever activation starts it.</summary>
    [Id(6)]
    public string? TraceParent { get; set; }

    /// <summary>The shard count each started job was given (what it occupies while it runs).</summary>
    [Id(7)]
    public Dictionary<string, int> JobShards { get; set; } = [];

    /// <summary>Starts of each evaluation shard so far (a start lost with its silo counts; <see cref="Driving.RetryPolicy"/> bounds them).</summary>
    [Id(8)]
    public Dictionary<string, int> EvalStarts { get; set; } = [];

    /// <summary>What failed, each with its reason, as the sweep's message says it.</summary>
    public string FailureSummary()
    {
        var failures = JobProgress.Values.Where(j => j.State == WorkState.Failed).Select(j => $"job {j.JobId}: {j.Message}")
            .Concat(Evaluations.Values.Where(e => e.State == WorkState.Failed).Select(e => $"evaluation {e.Shard.ShardId}: {e.Message}")).ToList();
        return $"{failures.Count} failed (the rest completed; 'shear sweep retry' runs them again): {string.Join("; ", failures)}";
    }
}
