using Orleans.Runtime.Placement;
using Shear.Grains.Abstractions;

namespace Shear.Grains.Placement;

/// <summary>Which silos a job's shards run on: distinct active silos, least busy first; one per shard.</summary>
public static class ShardSilos
{
    /// <summary>
    /// A silo for each of <paramref name="wanted"/> shards (0: one per device slot, <see cref="SiloRanking.ShardSlots"/>:
    /// every GPU of the GPU silos when any has one, else one per active silo), capped by <paramref name="batches"/>.
    /// Shards on one silo lease its devices one each. With more shards than slots (a retry after a silo was lost, or
    /// a count asked for), silos take several shards in turn. Silos the sweep assigned (<paramref name="assigned"/>, one
    /// per shard, so that concurrent jobs do not all pick the same best silo) are used while they are active.
    /// </summary>
    public static async Task<IReadOnlyList<SiloAddress>> Choose(IGrainFactory grains, int wanted, int batches, IReadOnlyList<string>? assigned = null)
    {
        var (slots, byName) = await Slots(grains);
        int count = Math.Max(1, Math.Min(wanted <= 0 ? slots.Count : wanted, batches));
        return [.. Enumerable.Range(0, count).Select(i => assigned is { } a && i < a.Count && byName.TryGetValue(a[i], out var silo) ? silo : byName[slots[i % slots.Count]])];
    }

    /// <summary>
    /// The cluster's device slots, best first (what a sweep schedules its work on): one per GPU of the GPU silos when any
    /// has one, else one per active silo; each names its silo.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RankedSlots(IGrainFactory grains) => (await Slots(grains)).Slots;

    // The active silos' slots in ranking order, with each silo's address by name.
    private static async Task<(IReadOnlyList<string> Slots, Dictionary<string, SiloAddress> ByName)> Slots(IGrainFactory grains)
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

        var byName = hosts.Keys.ToDictionary(s => s.ToString(), s => s);
        return (SiloRanking.ShardSlots(byName.Keys, board.Where(l => byName.ContainsKey(l.Silo)).ToDictionary(l => l.Silo, l => l)), byName);
    }

    /// <summary>Asks that the next new activation called from this flow be placed on <paramref name="silo"/>.</summary>
    public static void Pin(SiloAddress silo) => RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);

    /// <summary>Ends <see cref="Pin"/>.</summary>
    public static void Unpin() => RequestContext.Remove(IPlacementDirector.PlacementHintKey);
}
