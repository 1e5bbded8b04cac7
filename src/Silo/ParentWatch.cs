using System.Diagnostics;
using Microsoft.Extensions.Hosting;

namespace Shear.Silo;

/// <summary>
/// For a silo started by another process (<c>shear demo</c>): stops this silo when that process is gone, so a killed
/// demo leaves no silo behind holding its ports.
/// </summary>
internal sealed class ParentWatch(int parent, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!Alive(parent))
            {
                lifetime.StopApplication();
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private static bool Alive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
