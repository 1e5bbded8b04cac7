using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Shear.Grains.Abstractions;
using Shear.Grains.Placement;
using Shear.Grains.Telemetry;
using Shear.Numerics.Models;
using Shear.Numerics.Pruning.Distributed;

namespace Shear.Grains;

/// <summary>
/// Owns one decoder layer of one job: loads only its weights, collects its input batches chunk by chunk, prunes,
/// writes its part and masks into the job's work folder, streams its outputs chunk by chunk to the next layer's
/// grain, then deactivates (its memory goes with it).
/// </summary>
[LeastBusyPlacement]
public sealed class LayerGrain(DataPlane.DataPlane dataPlane, ILogger<LayerGrain> logger) : Grain, ILayerGrain
{
    private readonly Dictionary<int, ActivationCodec.Assembler> _pending = [];
    private LayerWorker? _worker;
    private LayerTask? _task;
    private IDisposable? _busy;

    /// <inheritdoc />
    public Task Start(LayerTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (_worker is not null)
        {
            return Task.CompletedTask;
        }

        using var activity = ShearTelemetry.Source.StartActivity("layer.load");
        activity?.SetTag("shear.layer", task.Layer);
        _task = task;
        _busy = ShearTelemetry.Work();
        _worker = GrainErrors.Translate(() => LayerWorker.Load(task.Job.Model, task.Layer, JobSpecs.Spec(task.Job), ModelOptions.Default));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task Receive(ActivationChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var worker = _worker ?? throw new InvalidOperationException($"layer grain {this.GetPrimaryKeyString()} received data before Start");
        if (!_pending.TryGetValue(chunk.Batch, out var assembler))
        {
            assembler = _pending[chunk.Batch] = new ActivationCodec.Assembler(chunk.Shape, chunk.Hidden.DType, chunk.Parts);
        }

        assembler.Add(chunk.RowStart, chunk.Hidden.Data, chunk.Keep?.Data);
        if (assembler.Complete)
        {
            var (hidden, keep) = assembler.Build();
            using (hidden)
            using (keep)
            {
                worker.Receive(chunk.Batch, hidden, keep);
            }

            _pending.Remove(chunk.Batch);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<bool> ReceiveHandle(ActivationHandle batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var worker = _worker ?? throw new InvalidOperationException($"layer grain {this.GetPrimaryKeyString()} received data before Start");
        var local = dataPlane.TakeLocal(batch.Hidden);
        var rented = local is null ? System.Buffers.ArrayPool<byte>.Shared.Rent((int)batch.Hidden.Length) : null;
        try
        {
            if (rented is not null)
            {
                await dataPlane.FetchInto(batch.Hidden, rented);
            }
        }
        catch (DataPlane.DataPlaneException e)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented!);
            logger.LogWarning("{Grain}: {Message}; asking for chunked messages", this.GetPrimaryKeyString(), e.Message);
            return false;
        }

        using var hidden = ActivationCodec.FromBytes(local ?? rented!, (int)batch.Hidden.Length, batch.DType, batch.Shape);
        if (rented is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }

        using var keep = ActivationCodec.FromBytes(batch.Keep.Data, batch.Keep.DType, batch.Keep.Shape);
        worker.Receive(batch.Batch, hidden, keep);
        return true;
    }

    /// <inheritdoc />
    public async Task<LayerOutcome> Finish(string? next)
    {
        var worker = _worker ?? throw new InvalidOperationException($"layer grain {this.GetPrimaryKeyString()} finished before Start");
        var task = _task!;
        if (worker.Received != task.Batches || _pending.Count > 0)
        {
            throw new InvalidOperationException($"layer {task.Layer}: {worker.Received}/{task.Batches} input batches complete");
        }

        using var activity = ShearTelemetry.Source.StartActivity("layer.prune");
        activity?.SetTag("shear.job", task.Job.JobId);
        activity?.SetTag("shear.layer", task.Layer);
        var clock = Stopwatch.StartNew();
        var report = worker.Prune(masks => PruneJobSteps.SaveMasks(masks, task.Job.WorkDirectory));
        PruneJobSteps.SavePart(worker, task.Job.WorkDirectory);
        ShearTelemetry.LayersPruned.Add(1);
        ShearTelemetry.CalibrationTokens.Add(worker.Tokens);
        if (next is not null)
        {
            var target = GrainFactory.GetGrain<ILayerGrain>(next);
            foreach (var (batch, hidden, keep) in worker.Forward())
            {
                await ActivationSender.Send(target, dataPlane, batch, hidden, keep);
            }
        }

        logger.LogInformation("layer {Layer} of {Job}: sparsity {Sparsity:F4} in {Seconds:F1}s", task.Layer, task.Job.JobId, report.Sparsity, clock.Elapsed.TotalSeconds);
        worker.Dispose();
        _worker = null;
        _busy?.Dispose();
        DeactivateOnIdle();
        return new LayerOutcome(task.Layer, report.Sparsity, report.Linears.ToDictionary(), report.Seconds, RuntimeIdentity);
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _worker?.Dispose();
        _busy?.Dispose();
        return Task.CompletedTask;
    }
}
