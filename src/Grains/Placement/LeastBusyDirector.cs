using Orleans.Runtime.Placement;
using Shear.Grains.Abstractions;

namespace Shear.Grains.Placement;

/// <summary>
/// Chooses, among the silos compatible with the grain, those with GPUs if any has one, then the one with the fewest
/// running work items on the board (ties: the fewest placed by this director in the last 5 s, then the address), so
/// concurrent shards spread before the board catches up. The board is read at most every 250 ms. A placement hint
/// naming a compatible silo wins.
/// </summary>
public sealed class LeastBusyDirector(IGrainFactory grains) : IPlacementDirector
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Recent = TimeSpan.FromSeconds(5);
    private readonly List<(string Silo, DateTime At)> _placed = [];
    private readonly Lock _gate = new();
    private SiloLoad[] _board = [];
    private DateTime _readAt = DateTime.MinValue;

    /// <inheritdoc />
    public async Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var silos = context.GetCompatibleSilos(target);
        if (target.RequestContextData is { } data && data.TryGetValue(IPlacementDirector.PlacementHintKey, out var hint)
            && hint is SiloAddress pinned && silos.Contains(pinned))
        {
            return pinned; // a job placing its shards one per silo (ShardSilos.Pin)
        }

        if (DateTime.UtcNow - _readAt > CacheFor)
        {
            try
            {
                _board = await grains.GetGrain<IWorkBoardGrain>(0).Read();
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                _board = []; // no board yet: spread by what this director placed
            }

            _readAt = DateTime.UtcNow;
        }

        var loads = _board.ToDictionary(l => l.Silo, l => l);
        var withGpu = silos.Where(s => loads.TryGetValue(s.ToString(), out var l) && l.Gpus > 0).ToArray();
        var pool = withGpu.Length > 0 ? withGpu : silos;
        lock (_gate)
        {
            var now = DateTime.UtcNow;
            _placed.RemoveAll(p => now - p.At > Recent);
            var chosen = pool.OrderBy(s => loads.TryGetValue(s.ToString(), out var l) ? l.Running : 0)
                .ThenBy(s => _placed.Count(p => p.Silo == s.ToString()))
                .ThenBy(s => s.ToString(), StringComparer.Ordinal)
                .First();
            _placed.Add((chosen.ToString(), now));
            return chosen;
        }
    }
}
