using System.Collections.Concurrent;

namespace Shear.Numerics.Runtime;

/// <summary>
/// One device's compute thread: work items run one at a time, in order, on a dedicated thread that owns the device
/// (TorchSharp's dispose scopes are per thread), never on the caller's scheduler. A silo runs one per device; grains
/// await it, so an Orleans scheduler thread is never blocked by a layer's seconds of compute.
/// </summary>
public sealed class DeviceWorker : IComputeQueue, IDisposable
{
    private readonly BlockingCollection<Action> _queue = [];
    private readonly Thread _thread;
    private int _pending;
    private int _disposed;
    private long _completed;
    private long _busyTicks;

    /// <summary>Starts the worker thread for <paramref name="device"/> (<c>cpu</c>, <c>cuda:0</c> ...).</summary>
    public DeviceWorker(string device)
    {
        Device = device;
        _thread = new Thread(Loop) { IsBackground = true, Name = $"shear-device-{device}" };
        _thread.Start();
    }

    /// <summary>The device this worker computes on.</summary>
    public string Device { get; }

    /// <summary>Work items run to the end so far.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Work items queued or running.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Seconds this worker has spent running work items (every item: shards, mask steps, evaluations), not waiting for them.</summary>
    public double BusySeconds => TimeSpan.FromTicks(Interlocked.Read(ref _busyTicks)).TotalSeconds;

    /// <inheritdoc />
    public Task<T> Run<T>(Func<T> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Increment(ref _pending);
        _queue.Add(() =>
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            T result = default!;
            Exception? failure = null;
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                result = work();
            }
            catch (Exception e)
            {
                failure = e;
            }

            // Counted before the result is handed over: whoever awaits the work sees its time in the total.
            Interlocked.Add(ref _busyTicks, System.Diagnostics.Stopwatch.GetElapsedTime(start).Ticks);
            Interlocked.Decrement(ref _pending);
            Interlocked.Increment(ref _completed);
            if (failure is null)
            {
                done.SetResult(result);
            }
            else
            {
                done.SetException(failure);
            }
        }, CancellationToken.None);
        return done.Task;
    }

    private void Loop()
    {
        foreach (var item in _queue.GetConsumingEnumerable())
        {
            item();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return; // registered under two service types: disposed once
        }

        _queue.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(30));
        _queue.Dispose();
    }
}
