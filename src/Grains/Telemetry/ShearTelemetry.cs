using System.Diagnostics;
using System.Diagnostics.Metrics;
using Shear.Numerics.Runtime;

namespace Shear.Grains.Telemetry;

/// <summary>Shear's traces and metrics (the silo exports them with Orleans' own through OpenTelemetry).</summary>
public static class ShearTelemetry
{
    /// <summary>Name of the activity source and the meter.</summary>
    public const string Name = "Shear";

    /// <summary>Every metric this meter declares, as Prometheus names them (unit suffixes and <c>_total</c> for counters); dashboards must query only these.</summary>
    public static readonly IReadOnlyList<string> PrometheusNames =
    [
        "shear_layers_pruned_total", "shear_calibration_tokens_total", "shear_activation_bytes_total", "shear_eval_shards_total",
        "shear_jobs_finished_total", "shear_work_running", "shear_sweep_progress_ratio", "shear_gpu_free_memory_bytes",
        "shear_statistics_bytes_total", "shear_compute_busy_seconds_total", "shear_device_leases", "shear_device_queued",
    ];

    /// <summary>Spans of sweeps, jobs, layers and eval shards.</summary>
    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>Layers pruned.</summary>
    public static readonly Counter<long> LayersPruned = Meter.CreateCounter<long>("shear.layers.pruned", description: "Decoder layers pruned");

    /// <summary>Calibration tokens observed by layer grains.</summary>
    public static readonly Counter<long> CalibrationTokens = Meter.CreateCounter<long>("shear.calibration.tokens", description: "Calibration tokens observed, summed over layers");

    /// <summary>Statistics bytes shards returned to their jobs.</summary>
    public static readonly Counter<long> StatisticsBytes = Meter.CreateCounter<long>("shear.statistics.bytes", description: "Calibration statistics bytes shards sent to their jobs");

    /// <summary>Seconds this silo's device workers spent computing layer and shard steps (tag <c>device</c>).</summary>

    /// <summary>Activation bytes sent between silos.</summary>
    public static readonly Counter<long> ActivationBytes = Meter.CreateCounter<long>("shear.activation.bytes", description: "Activation bytes sent layer to layer");

    /// <summary>Evaluation shards run, by silo.</summary>
    public static readonly Counter<long> EvalShards = Meter.CreateCounter<long>("shear.eval.shards", description: "Evaluation shards run");

    /// <summary>Prune jobs finished.</summary>
    public static readonly Counter<long> JobsFinished = Meter.CreateCounter<long>("shear.jobs.finished", description: "Prune jobs finished");

    private static int running;
    private static double sweepProgress;
    private static (string Device, long? Free)[] gpuFree = [];
    private static DevicePool? devices;

    /// <summary>Work items running on this silo now.</summary>
    public static int Running => Volatile.Read(ref running);

    static ShearTelemetry()
    {
        Meter.CreateObservableGauge("shear.work.running", () => Running, description: "Layer and eval work running on this silo");
        Meter.CreateObservableGauge("shear.sweep.progress", () => Volatile.Read(ref sweepProgress), unit: "ratio", description: "Fraction of the latest sweep's work done");
        Meter.CreateObservableGauge("shear.gpu.free_memory", GpuFree, unit: "bytes", description: "Free memory of each GPU a silo computes on (only on silos with NVIDIA GPUs), by device");
        Meter.CreateObservableGauge("shear.device.leases", () => Slots(s => s.Leases), description: "Shards, jobs and eval shards holding each device, by device");
        Meter.CreateObservableGauge("shear.device.queued", () => Slots(s => s.Pending), description: "Work items queued or running on each device's worker, by device");
        Meter.CreateObservableCounter("shear.compute.busy", () => Slots(s => s.BusySeconds), unit: "s",
            description: "Seconds each device's worker spent running work (shards, mask steps, evaluations: everything it runs), by device");
    }

    /// <summary>Counts a work item as running until disposed.</summary>
    public static IDisposable Work()
    {
        Interlocked.Increment(ref running);
        return new Done();
    }

    /// <summary>Records the free memory of each GPU the load reporter measured (null: not measured; the gauge reports only measured ones).</summary>
    public static void GpuFreeMemory((string Device, long? Free)[] perDevice) => Volatile.Write(ref gpuFree, perDevice);

    /// <summary>The device pool whose slots the device gauges report (the silo's; the last one registered in a process).</summary>
    public static void Watch(DevicePool pool) => Volatile.Write(ref devices, pool);

    /// <summary>A <c>device</c> tag.</summary>
    public static KeyValuePair<string, object?> Device(string device) => new("device", device);

    private static IEnumerable<Measurement<long>> GpuFree() =>
        Volatile.Read(ref gpuFree).Where(g => g.Free is not null).Select(g => new Measurement<long>(g.Free!.Value, Device(g.Device)));

    private static IEnumerable<Measurement<T>> Slots<T>(Func<DeviceSlot, T> value)
        where T : struct =>
        Volatile.Read(ref devices)?.Slots().Select(s => new Measurement<T>(value(s), Device(s.Device))) ?? [];

    /// <summary>Records a sweep's done fraction.</summary>
    public static void SweepProgress(double fraction) => Volatile.Write(ref sweepProgress, fraction);

    private sealed class Done : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                Interlocked.Decrement(ref running);
            }
        }
    }
}
