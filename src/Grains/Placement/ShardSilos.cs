using Orleans.Runtime.Placement;
using Shear.Grains.Abstractions;

namespace Shear.Grains.Placement;

/// <summary>Which silos a job's shards run on: distinct active silos, least busy first; one per shard.</summary>
public static class ShardSilos
{
    /// <summary>
    /// A silo for each of <paramref name="wanted"/> shards (0: one per active silo), capped by <paramref name="batches"/>:
    /// the least busy on the work board first (GPU silos before CPU ones, then by address). With fewer silos than
    /// shards (a retry after a silo was lost), silos take several shards in turn.
    /// </summary>
    public static async Task<IReadOnlyList<SiloAddress>> Choose(IGrainFactory grains, int wanted, int batches)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        SiloLoad[] board;
        try
        {
            board = await grains.GetGrain<IWorkBoardGrain>(0).Read();
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            board = [];
        }

        var loads = board.ToDictionary(l => l.Silo, l => l);
        var ordered = hosts.Keys
            .OrderByDescending(s => loads.TryGetValue(s.ToString(), out var l) && l.Gpus > 0)
            .ThenBy(s => loads.TryGetValue(s.ToString(), out var l) ? l.Running : 0)
            .ThenBy(s => s.ToString(), StringComparer.Ordinal)
            .ToList();
        int count = Math.Max(1, Math.Min(wanted <= 0 ? ordered.Count : wanted, batches));
        return Enumerable.Range(0, count).Select(i => ordered[i % ordered.Count]).ToList();
    }

    /// <summary>Asks that the next new activation called from this flow be placed on <paramref name="silo"/>.</summary>
    public static void Pin(SiloAddress silo) => RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);

    /// <summary>Ends <see cref="Pin"/>.</summary>
    public static void Unpin() => RequestContext.Remove(IPlacementDirector.PlacementHintKey);
}
