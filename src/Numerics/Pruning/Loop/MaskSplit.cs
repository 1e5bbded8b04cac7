namespace Shear.Numerics.Pruning.Loop;

/// <summary>
/// How a layer's mask step is split over its shards: by Linear (every method's threshold rule lies within one Linear:
/// per row for Wanda, RIA's and DSnoT's rows, per matrix for magnitude, SparseGPT's column blocks within its matrix),
/// the largest first to the least loaded shard, so the parts take about equally long and together are the layer.
/// </summary>
public static class MaskSplit
{
    /// <summary>The Linears of each of <paramref name="shards"/> shards (some empty when there are more shards than Linears).</summary>
    /// <param name="linears">Each Linear's name and weight elements.</param>
    /// <param name="shards">Shard count, at least 1.</param>
    public static IReadOnlyList<IReadOnlyList<string>> Plan(IReadOnlyList<(string Name, long Elements)> linears, int shards)
    {
        ArgumentNullException.ThrowIfNull(linears);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shards);
        var parts = Enumerable.Range(0, shards).Select(_ => new List<string>()).ToArray();
        var load = new long[shards];
        foreach (var (name, elements) in linears.OrderByDescending(l => l.Elements).ThenBy(l => l.Name, StringComparer.Ordinal))
        {
            int least = Array.IndexOf(load, load.Min()); // the first least-loaded shard: deterministic
            parts[least].Add(name);
            load[least] += elements;
        }

        return parts;
    }
}
