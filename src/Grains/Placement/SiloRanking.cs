using Shear.Grains.Abstractions;

namespace Shear.Grains.Placement;

/// <summary>
/// How work is placed from the work board (pure, so it is tested on fake boards): silos that compute on GPUs first;
/// among them the most free device slots (less what was placed there since the board was read), then the most free
/// memory on one GPU, then the fewest running items, then the address. A silo missing from the board counts as one
/// free cpu slot.
/// </summary>
public static class SiloRanking
{
    /// <summary>The candidates, best first.</summary>
    public static IReadOnlyList<string> Order(IEnumerable<string> silos, IReadOnlyDictionary<string, SiloLoad> loads, Func<string, int>? placedSinceRead = null)
    {
        ArgumentNullException.ThrowIfNull(silos);
        ArgumentNullException.ThrowIfNull(loads);
        SiloLoad Load(string s) => LoadOf(loads, s);
        int recent(string s) => placedSinceRead?.Invoke(s) ?? 0;
        return [.. silos
            .OrderByDescending(s => Load(s).Gpus > 0)
            .ThenByDescending(s => Load(s).FreeSlots - recent(s))
            .ThenByDescending(s => Load(s).FreeGpuMemory)
            .ThenBy(s => Load(s).Running + recent(s))
            .ThenBy(s => s, StringComparer.Ordinal)];
    }

    /// <summary>
    /// A job's shard slots: when any silo computes on GPUs, one per GPU of those silos (CPU silos would be the
    /// stragglers every layer waits for); else one per silo. Silos take turns in <see cref="Order"/>, so a capped
    /// count spreads over silos before it fills one.
    /// </summary>
    public static IReadOnlyList<string> ShardSlots(IEnumerable<string> silos, IReadOnlyDictionary<string, SiloLoad> loads)
    {
        var ordered = Order(silos, loads);
        int Gpus(string s) => LoadOf(loads, s).Gpus;
        bool gpus = ordered.Any(s => Gpus(s) > 0);
        var perSilo = ordered
            .Where(s => !gpus || Gpus(s) > 0)
            .Select(s => (Silo: s, Slots: gpus ? Gpus(s) : 1))
            .ToList();
        int total = perSilo.Sum(p => p.Slots);
        var slots = new List<string>(total);
        for (int turn = 0; slots.Count < total; turn++)
        {
            slots.AddRange(perSilo.Where(p => p.Slots > turn).Select(p => p.Silo));
        }

        return slots;
    }

    // A silo's load; one missing from the board (not posted yet) counts as one free cpu slot.
    private static SiloLoad LoadOf(IReadOnlyDictionary<string, SiloLoad> loads, string silo) =>
        loads.TryGetValue(silo, out var l) ? l : new SiloLoad(silo, "cpu", 0, 0, 0, DateTime.MinValue);
}
