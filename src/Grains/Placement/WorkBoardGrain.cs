using Orleans.Concurrency;
using Shear.Grains.Abstractions;

namespace Shear.Grains.Placement;

/// <summary>The in-memory board of silo loads (rebuilt within a second by the silos' posts if its silo is lost).</summary>
[Reentrant]
public sealed class WorkBoardGrain : Grain, IWorkBoardGrain
{
    private static readonly TimeSpan Stale = TimeSpan.FromSeconds(10);
    private readonly Dictionary<string, SiloLoad> _loads = [];

    /// <inheritdoc />
    public Task Post(SiloLoad load)
    {
        ArgumentNullException.ThrowIfNull(load);
        _loads[load.Silo] = load;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<SiloLoad[]> Read() =>
        Task.FromResult(_loads.Values.Where(l => DateTime.UtcNow - l.At < Stale).OrderBy(l => l.Silo, StringComparer.Ordinal).ToArray());
}
