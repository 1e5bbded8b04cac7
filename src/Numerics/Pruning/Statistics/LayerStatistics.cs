namespace Shear.Numerics.Pruning;

/// <summary>
/// One layer's calibration statistics, per Linear (<c>self_attn.q_proj</c> ...): what one shard observed over its
/// batches, or the reduction of every shard's (<see cref="Reduce"/>). Owns its tensors; travels as bytes.
/// </summary>
public sealed class LayerStatistics : IDisposable
{
    private readonly Dictionary<string, InputStatistics> _linears;

    /// <summary>Wraps per-Linear statistics (taken over).</summary>
    public LayerStatistics(int layer, Dictionary<string, InputStatistics> linears)
    {
        Layer = layer;
        _linears = linears;
    }

    /// <summary>The layer index.</summary>
    public int Layer { get; }

    /// <summary>Statistics per Linear.</summary>
    public IReadOnlyDictionary<string, InputStatistics> Linears => _linears;

    /// <summary>Real calibration tokens seen (by the first Linear; every Linear of a layer sees the same tokens).</summary>
    public long Tokens => _linears.Values.FirstOrDefault()?.Tokens ?? 0;

    /// <summary>The statistics of all batches from every shard's; independent of how the batches were split (see <see cref="InputStatistics.Merge"/>).</summary>
    /// <exception cref="InvalidOperationException">The parts are of different layers or Linears.</exception>
    public static LayerStatistics Reduce(IReadOnlyList<LayerStatistics> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0)
        {
            throw new InvalidOperationException("no shard statistics to reduce");
        }

        var names = parts[0]._linears.Keys.ToList();
        if (parts.Any(p => p.Layer != parts[0].Layer || !p._linears.Keys.Order(StringComparer.Ordinal).SequenceEqual(names.Order(StringComparer.Ordinal))))
        {
            throw new InvalidOperationException($"shard statistics of layer {parts[0].Layer} do not cover the same layer and Linears");
        }

        var merged = new Dictionary<string, InputStatistics>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            merged[name] = InputStatistics.Merge(parts.Select(p => p._linears[name]).ToList());
        }

        return new LayerStatistics(parts[0].Layer, merged);
    }

    /// <summary>The statistics as bytes, of every Linear or only those of <paramref name="only"/> (a shard's part of the mask step).</summary>
    public byte[] ToBytes(IReadOnlyCollection<string>? only = null)
    {
        using var ms = new MemoryStream();
        using (var writer = new BinaryWriter(ms))
        {
            var linears = _linears.Where(l => only is null || only.Contains(l.Key)).ToList();
            writer.Write(Layer);
            writer.Write(linears.Count);
            foreach (var (name, s) in linears)
            {
                writer.Write(name);
                s.WriteTo(writer);
            }
        }

        return ms.ToArray();
    }

    /// <summary>Reads what <see cref="ToBytes"/> wrote.</summary>
    public static LayerStatistics FromBytes(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var reader = new BinaryReader(new MemoryStream(bytes));
        int layer = reader.ReadInt32();
        int count = reader.ReadInt32();
        var linears = new Dictionary<string, InputStatistics>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            linears[name] = InputStatistics.ReadFrom(reader);
        }

        return new LayerStatistics(layer, linears);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var s in _linears.Values)
        {
            s.Dispose();
        }

        _linears.Clear();
    }
}
