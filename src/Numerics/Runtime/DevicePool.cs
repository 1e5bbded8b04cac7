namespace Shear.Numerics.Runtime;

/// <summary>
/// A silo's devices: one <see cref="DeviceWorker"/> (one thread, one work item at a time) per device. Work that keeps
/// tensors on a device between calls (a prune shard, a job's mask step, an eval shard) takes a <see cref="DeviceLease"/>
/// for as long as it lives and runs everything on that worker; a lease goes to the device with the fewest leases, then
/// the fewest queued items, then the lowest index. A device with no lease is a free slot.
/// </summary>
public sealed class DevicePool : IDisposable
{
    private readonly DeviceWorker[] _workers;
    private readonly int[] _leases;
    private readonly Lock _gate = new();

    /// <summary>Starts a worker for each of <paramref name="devices"/> (from <see cref="Devices.ForSilo(string?)"/>).</summary>
    public DevicePool(IReadOnlyList<string> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        if (devices.Count == 0 || devices.Distinct(StringComparer.Ordinal).Count() != devices.Count)
        {
            throw new ArgumentException("a device pool needs at least one device, none twice", nameof(devices));
        }

        _workers = [.. devices.Select(d => new DeviceWorker(d))];
        _leases = new int[_workers.Length];
    }

    /// <summary>The workers, in device order.</summary>
    public IReadOnlyList<DeviceWorker> Workers => _workers;

    /// <summary>How many of the devices are GPUs.</summary>
    public int Gpus => _workers.Count(w => Devices.IsCuda(w.Device));

    /// <summary>Devices with no lease.</summary>
    public int FreeSlots
    {
        get
        {
            lock (_gate)
            {
                return _leases.Count(l => l == 0);
            }
        }
    }

    /// <summary>Each device's leases, queued items and finished items now.</summary>
    public IReadOnlyList<DeviceSlot> Slots()
    {
        lock (_gate)
        {
            return [.. _workers.Select((w, i) => new DeviceSlot(w.Device, _leases[i], w.Pending, w.Completed) { BusySeconds = w.BusySeconds })];
        }
    }

    /// <summary>Takes the least-leased device until the lease is disposed.</summary>
    public DeviceLease Lease()
    {
        lock (_gate)
        {
            int best = 0;
            for (int i = 1; i < _workers.Length; i++)
            {
                if (_leases[i] < _leases[best] || (_leases[i] == _leases[best] && _workers[i].Pending < _workers[best].Pending))
                {
                    best = i;
                }
            }

            _leases[best]++;
            return new DeviceLease(_workers[best], () =>
            {
                lock (_gate)
                {
                    _leases[best]--;
                }
            });
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var worker in _workers)
        {
            worker.Dispose();
        }
    }
}

/// <summary>One device of a pool now: its leases, items queued or running, items finished.</summary>
public sealed record DeviceSlot(string Device, int Leases, int Pending, long Completed)
{
    /// <summary>Seconds its worker has spent running work (<see cref="DeviceWorker.BusySeconds"/>).</summary>
    public double BusySeconds { get; init; }
}

/// <summary>A hold on one device of a <see cref="DevicePool"/>: run work on <see cref="Worker"/>; dispose to give it back (once).</summary>
public sealed class DeviceLease : IDisposable
{
    private Action? _release;

    internal DeviceLease(DeviceWorker worker, Action release) => (Worker, _release) = (worker, release);

    /// <summary>The device's worker.</summary>
    public DeviceWorker Worker { get; }

    /// <summary>The device's torch name.</summary>
    public string Device => Worker.Device;

    /// <summary>The model options on this device: <paramref name="dtype"/>, or the device's default (bf16 on CUDA, fp32 on CPU).</summary>
    public Models.ModelOptions Options(Experiment.ComputeDType? dtype) => Devices.On(Device, dtype);

    /// <inheritdoc />
    public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
}
