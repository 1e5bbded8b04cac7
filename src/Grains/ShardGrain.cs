using Shear.Grains.Abstractions;
using Shear.Grains.Placement;
using Shear.Grains.Telemetry;
using Shear.Numerics.Pruning;
using Shear.Numerics.Pruning.Loop;
using Shear.Numerics.Runtime;

namespace Shear.Grains;

/// <summary>
/// One shard of a prune job on one silo (placed where the job asks, else on the least-busy silo): it leases one of the
/// silo's devices at start (the least leased) and its <see cref="LayerShard"/> lives there between layers, every step
/// on that device's worker, in the dtype the job chose. The grain only hands work over and back.
/// </summary>
[LeastBusyPlacement]
public sealed class ShardGrain(DevicePool devices) : Grain, IShardGrain
{
    private LayerShard? _shard;
    private ShardTask? _task;
    private IDisposable? _busy;
    private DeviceLease? _lease;

    /// <inheritdoc />
    public async Task<int> Start(ShardTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (_shard is not null)
        {
            return _shard.BatchCount;
        }

        _task = task;
        _busy = ShearTelemetry.Work();
        _lease ??= devices.Lease();
        var request = JobSpecs.Request(task.Job);
        var options = _lease.Options(task.DType);
        _shard = await OnDevice(() => GrainErrors.Translate(() =>
        {
            var samples = task.Samples ?? [.. LocalPruneJob.Calibration(request, null, generated: task.Job.WorkDirectory).Samples];
            var setup = task.Dense
                ? ShardSetup.Dense(task.Job.Model, request.Spec, samples, options, task.Shard, task.Shards, task.FirstLayer)
                : new ShardSetup(task.Job.Model, task.Job.WorkDirectory, request.Spec, samples, options, task.Shard, task.Shards, task.FirstLayer);
            return LayerShard.Start(setup);
        }));
        return _shard.BatchCount;
    }

    /// <inheritdoc />
    public async Task<ShardBytes> Observe(int layer)
    {
        var shard = Shard();
        using var activity = ShearTelemetry.Source.StartActivity("shard.observe");
        activity?.SetTag("shear.job", _task!.Job.JobId);
        activity?.SetTag("shear.layer", layer);
        var part = await OnDevice(() =>
        {
            using var statistics = shard.Observe(layer);
            return ShardPayload.Pack(layer, statistics.ToBytes(), PayloadFile(layer, "statistics"));
        });
        ShearTelemetry.CalibrationTokens.Add(shard.Tokens);
        ShearTelemetry.StatisticsBytes.Add(part.Length);
        return part;
    }

    /// <inheritdoc />
    public async Task<ShardBytes> Masks(int layer, ShardBytes statistics, string[] linears, double? sparsity)
    {
        var shard = Shard();
        var task = _task!;
        using var activity = ShearTelemetry.Source.StartActivity("shard.masks");
        activity?.SetTag("shear.job", task.Job.JobId);
        activity?.SetTag("shear.layer", layer);
        var pattern = sparsity is { } s ? Numerics.Experiment.SparsityPattern.Unstructured(s) : JobSpecs.Spec(task.Job).Pattern;
        return await OnDevice(() =>
        {
            using var reduced = Numerics.Pruning.LayerStatistics.FromBytes(ShardPayload.Unpack(statistics));
            using var masks = shard.Masks(layer, reduced, linears, pattern);
            return ShardPayload.Pack(layer, masks.ToBytes(), PayloadFile(layer, "masks"));
        });
    }

    // Where a payload too large for a message goes: the job's work folder on the shared volume.
    private string PayloadFile(int layer, string what) =>
        Path.Combine(_task!.Job.WorkDirectory, ".statistics", $"{(_task.Dense ? "owl-" : "")}layer-{layer:D5}-{what}-shard-{_task.Shard:D3}.bin");

    /// <inheritdoc />
    public async Task Forward(int layer)
    {
        var shard = Shard();
        using var activity = ShearTelemetry.Source.StartActivity("shard.forward");
        activity?.SetTag("shear.job", _task!.Job.JobId);
        activity?.SetTag("shear.layer", layer);
        await OnDevice(() =>
        {
            shard.Forward(layer);
            return 0;
        });
    }

    /// <inheritdoc />
    public Task Stop()
    {
        Release();
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Release();
        return Task.CompletedTask;
    }

    private LayerShard Shard() => _shard ?? throw new InvalidOperationException($"shard grain {this.GetPrimaryKeyString()} was asked to work before Start");

    private async Task<T> OnDevice<T>(Func<T> work)
    {
        var lease = _lease ?? throw new InvalidOperationException("a shard grain computes only after Start");
        return await lease.Worker.Run(work); // the worker counts its busy seconds
    }

    private void Release()
    {
        var shard = _shard;
        var lease = _lease;
        _shard = null;
        _lease = null;
        if (lease is not null)
        {
            // The shard is disposed on the worker thread that made its tensors; the device is free once that ran.
            _ = lease.Worker.Run(() =>
            {
                shard?.Dispose();
                return 0;
            }).ContinueWith(_ => lease.Dispose(), TaskScheduler.Default);
        }

        _busy?.Dispose();
        _busy = null;
    }
}
