using System.Diagnostics;
using Shear.Grains.Abstractions;
using Shear.Grains.Placement;
using Shear.Grains.Telemetry;
using Shear.Numerics.Evaluation;
using Shear.Numerics.Experiment;
using Shear.Numerics.Runtime;

namespace Shear.Grains;

/// <summary>
/// Runs one evaluation shard (one domain of one model) where the placement director put it. <see cref="Start"/> leases
/// the silo's least-leased device, hands the work to its worker (the model on that device, in the shard's dtype or
/// the device's default) and returns at once (no grain call waits on the evaluation, and it never runs
/// in a grain turn); <see cref="Poll"/> reports it. A shard whose silo was lost comes back empty here, and the sweep
/// starts it again.
/// </summary>
[LeastBusyPlacement]
public sealed class EvalGrain(DevicePool devices) : Grain, IEvalGrain
{
    private EvalShard? _shard;
    private bool _counted;
    private Task<(EvalReport Report, string Notes)>? _run;

    /// <inheritdoc />
    public Task Start(EvalShard shard)
    {
        ArgumentNullException.ThrowIfNull(shard);
        if (_run is { IsFaulted: false })
        {
            return Task.CompletedTask; // already running or finished: idempotent (a failed one starts again)
        }

        var settings = JobSpecs.Options(shard.Settings, [shard.Domain], shard.Seed, shard.DataDirectory); // bad settings fail before a device is held
        var lease = devices.Lease();
        var compute = lease.Options(shard.Settings.DType);
        var options = settings with { Device = compute.DeviceName, DType = compute.DType };
        var parent = Activity.Current?.Context ?? default;
        _shard = shard;
        _run = lease.Worker.Run(() =>
        {
            using var activity = ShearTelemetry.Source.StartActivity("eval.shard", ActivityKind.Internal, parent);
            activity?.SetTag("shear.shard", shard.ShardId);
            activity?.SetTag("shear.domain", EvalDomains.Name(shard.Domain));
            using var busy = ShearTelemetry.Work();
            var notes = new List<string>();
            // What was skipped or substituted, and how to enable it, reaches the client (the warning channel, not the progress log).
            var report = GrainErrors.Translate(() => LocalEvalJob.Run(shard.Model, options, null, log: null, warn: notes.Add));
            return (report, string.Join("; ", notes));
        });
        _ = _run.ContinueWith(_ => lease.Dispose(), TaskScheduler.Default); // the device is free when the shard ends
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<EvalShardProgress?> Poll()
    {
        if (_shard is not { } shard || _run is not { } run)
        {
            return Task.FromResult<EvalShardProgress?>(null);
        }

        if (!run.IsCompleted)
        {
            return Task.FromResult<EvalShardProgress?>(new EvalShardProgress(shard, WorkState.Running, [], null, RuntimeIdentity, ""));
        }

        DeactivateOnIdle(); // the sweep keeps the result
        if (run.Exception?.InnerException is { } e)
        {
            var message = Driving.RetryPolicy.Reason(e);
            return Task.FromResult<EvalShardProgress?>(new EvalShardProgress(shard, WorkState.Failed, [], null, RuntimeIdentity, message));
        }

        var (report, notes) = run.Result;
        if (!_counted)
        {
            _counted = true;
            ShearTelemetry.EvalShards.Add(1, new KeyValuePair<string, object?>("silo", RuntimeIdentity));
        }

        var scores = report.Results.Select(r => new Score(r.Domain, r.Benchmark, r.Metric, r.Value, r.Items) { StdErr = r.StdErr, PerItem = r.PerItem }).ToArray();
        return Task.FromResult<EvalShardProgress?>(new EvalShardProgress(shard, WorkState.Done, scores, report.Domains.GetValueOrDefault(EvalDomains.Name(shard.Domain)), RuntimeIdentity, notes) { Seconds = report.Seconds });
    }
}
