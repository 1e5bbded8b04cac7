using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shear.Grains.Abstractions;
using Shear.Grains.Telemetry;
using Shear.Numerics.Runtime;

namespace Shear.Grains.Placement;

/// <summary>
/// Posts this silo's load to the work board every 250 ms: the devices it computes on (its <see cref="DevicePool"/>, not
/// the GPUs it could see), their free slots, the most free memory on one of its GPUs (measured every 5 s) and its
/// running work items.
/// </summary>
public sealed partial class LoadReporter(IGrainFactory grains, ILocalSiloDetails silo, DevicePool devices, ILogger<LoadReporter> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        int gpus = devices.Gpus;
        LogDevices(string.Join(", ", devices.Workers.Select(w => w.Device)));
        long mostFree = 0;
        var measured = DateTime.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (gpus > 0 && DateTime.UtcNow - measured > TimeSpan.FromSeconds(5))
            {
                var free = DeviceMemory.FreeBytesPerGpu(); // a process start: every 5 s, not every post
                measured = DateTime.UtcNow;
                (string Device, long? Free)[] mine = [.. devices.Workers.Select(w => (w.Device, DeviceMemory.Of(free, w.Device)))];
                mostFree = mine.Max(m => m.Free) ?? 0;
                ShearTelemetry.GpuFreeMemory(mine);
            }

            try
            {
                var load = new SiloLoad(silo.SiloAddress.ToString(), gpus > 0 ? "cuda" : "cpu", gpus, mostFree, ShearTelemetry.Running, DateTime.UtcNow)
                {
                    Devices = devices.Workers.Count,
                    FreeSlots = devices.FreeSlots,
                };
                await grains.GetGrain<IWorkBoardGrain>(0).Post(load);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogDebug(e, "work board not reachable yet");
            }

            try
            {
                await Task.Delay(250, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "computing on {Devices} (one device worker each)")]
    private partial void LogDevices(string devices);
}
