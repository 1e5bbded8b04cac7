using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shear.Grains.Abstractions;
using Shear.Grains.Telemetry;

namespace Shear.Grains.Placement;

/// <summary>What this silo has: CPU only, or CUDA with its GPU count (from the environment the GPU image sets).</summary>
public static class Accelerator
{
    /// <summary>"cuda" when GPUs are visible (SHEAR_GPUS or NVIDIA_VISIBLE_DEVICES), else "cpu".</summary>
    public static (string Kind, int Gpus) Detect()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("SHEAR_GPUS"), out int gpus) && gpus > 0)
        {
            return ("cuda", gpus);
        }

        var visible = Environment.GetEnvironmentVariable("NVIDIA_VISIBLE_DEVICES");
        if (!string.IsNullOrEmpty(visible) && visible is not ("none" or "void"))
        {
            return ("cuda", visible == "all" ? 1 : visible.Split(',').Length);
        }

        return ("cpu", 0);
    }
}

/// <summary>Posts this silo's load to the work board every 250 ms.</summary>
public sealed class LoadReporter(IGrainFactory grains, ILocalSiloDetails silo, ILogger<LoadReporter> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var (kind, gpus) = Accelerator.Detect();
        long? free = null;
        var measured = DateTime.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (gpus > 0 && DateTime.UtcNow - measured > TimeSpan.FromSeconds(5))
            {
                free = GpuMemory.FreeBytes(); // a process start: every 5 s, not every post
                measured = DateTime.UtcNow;
                ShearTelemetry.GpuFreeMemory(free);
            }

            try
            {
                await grains.GetGrain<IWorkBoardGrain>(0).Post(new SiloLoad(silo.SiloAddress.ToString(), kind, gpus, free ?? 0, ShearTelemetry.Running, DateTime.UtcNow));
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
}
