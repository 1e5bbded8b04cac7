using Shear.Grains.Abstractions;
using Shear.Grains.Placement;
using Shear.Grains.Telemetry;
using Shear.Numerics.Evaluation;
using Shear.Numerics.Runtime;

namespace Shear.Grains;

/// <summary>
/// Runs one evaluation shard (one domain of one model) where the placement director put it, on the silo's device
/// worker (never in the grain turn), then deactivates.
/// </summary>
[LeastBusyPlacement]
public sealed class EvalGrain(IComputeQueue compute) : Grain, IEvalGrain
{
    /// <inheritdoc />
    public async Task<EvalShardProgress> Run(EvalShard shard)
    {
        ArgumentNullException.ThrowIfNull(shard);
        using var activity = ShearTelemetry.Source.StartActivity("eval.shard");
        activity?.SetTag("shear.shard", shard.ShardId);
        activity?.SetTag("shear.domain", shard.Domain);
        using var busy = ShearTelemetry.Work();
        var options = new EvalOptions
        {
            Domains = [shard.Domain], Limit = shard.Limit, Seed = shard.Seed, DataDirectory = shard.DataDirectory,
            CodeSamples = shard.CodeSamples, TranslationSamples = shard.TranslationSamples,
            CodeMaxNewTokens = shard.CodeMaxNewTokens, TranslationMaxNewTokens = shard.TranslationMaxNewTokens,
        };
        var notes = new List<string>();
        var report = await compute.Run(() => GrainErrors.Translate(() => LocalEvalJob.Run(shard.Model, options, null, line =>
        {
            if (line.Contains("apt-get install", StringComparison.Ordinal))
            {
                notes.Add(line); // what was skipped and how to enable it reaches the client
            }
        })));
        ShearTelemetry.EvalShards.Add(1, new KeyValuePair<string, object?>("silo", RuntimeIdentity));
        DeactivateOnIdle();
        var scores = report.Results.Select(r => new Score(r.Domain, r.Benchmark, r.Metric, r.Value, r.Items)).ToArray();
        return new EvalShardProgress(shard, WorkState.Done, scores, report.Domains.GetValueOrDefault(shard.Domain), RuntimeIdentity, string.Join("; ", notes)) { Seconds = report.Seconds };
    }
}
