using Orleans.Runtime.Placement;
using Shear.Grains.Abstractions;

namespace Shear.Grains.Placement;

/// <summary>
/// Chooses, among the silos compatible with the grain, the first in <see cref="SiloRanking.Order"/> of the work board
/// (GPU silos, then free device slots, free GPU memory, running items), counting what this director placed since each
/// silo's last post, so concurrent shards spread before the board catches up. The board is read at most every
/// 250 ms. A placement hint naming a compatible silo wins.
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
        var byName = silos.ToDictionary(s => s.ToString(), s => s);
        lock (_gate)
        {
            var now = DateTime.UtcNow;
            _placed.RemoveAll(p => now - p.At > Recent);
            // What this director placed after a silo's last post: that post could not count it yet.
            int placedSinceRead(string silo) => _placed.Count(p => p.Silo == silo && (!loads.TryGetValue(silo, out var l) || p.At > l.At));
            var chosen = byName[SiloRanking.Order(byName.Keys, loads, placedSinceRead)[0]];
            _placed.Add((chosen.ToString(), now));
            return chosen;
        }
    }
}
