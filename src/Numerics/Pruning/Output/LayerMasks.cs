using static TorchSharp.torch;

namespace Shear.Numerics.Pruning;

/// <summary>The masks (True = pruned) of one layer's Linears, plus SparseGPT's reconstructed weights. Owns its tensors.</summary>
public sealed class LayerMasks : IDisposable
{
    private readonly Dictionary<string, Tensor> _masks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Tensor> _weights = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _byMagnitude = new(StringComparer.Ordinal);

    /// <summary>The layer index.</summary>
    public required int Layer { get; init; }

    /// <summary>Masks by Linear name relative to the layer (<c>self_attn.q_proj</c> ...), in layer order.</summary>
    public IReadOnlyDictionary<string, Tensor> Masks => _masks;

    /// <summary>Weights that replace the originals (SparseGPT), by the same names; empty for other methods.</summary>
    public IReadOnlyDictionary<string, Tensor> Weights => _weights;

    /// <summary>
    /// Linears whose method needed calibration statistics that no calibration token gave them (a mixture's expert no
    /// token was routed to): pruned by magnitude instead, as pruning.json reports.
    /// </summary>
    public IReadOnlyCollection<string> ByMagnitude => _byMagnitude;

    /// <summary>Adds the mask of a Linear pruned by magnitude for want of calibration tokens (<see cref="ByMagnitude"/>).</summary>
    public void AddByMagnitude(string name, Tensor mask)
    {
        Add(name, mask);
        _byMagnitude.Add(name);
    }

    /// <summary>Adds one Linear's mask (and optional new weights); the object takes ownership.</summary>
    public void Add(string name, Tensor mask, Tensor? weight = null)
    {
        ArgumentNullException.ThrowIfNull(mask);
        _masks[name] = mask.DetachFromDisposeScope();
        if (weight is not null)
        {
            _weights[name] = weight.DetachFromDisposeScope();
        }
    }

    /// <summary>The masks and new weights as bytes (CPU tensors: dtype, shape, raw bytes), for a shard's part to travel to its job.</summary>
    public byte[] ToBytes()
    {
        using var ms = new MemoryStream();
        using (var writer = new BinaryWriter(ms))
        {
            writer.Write(Layer);
            writer.Write(_masks.Count);
            foreach (var (name, mask) in _masks)
            {
                writer.Write(name);
                TensorCodec.Write(writer, mask); // host: the wire format (one layer's masks, once per layer)
                writer.Write(_weights.TryGetValue(name, out var w));
                if (w is not null)
                {
                    TensorCodec.Write(writer, w); // host: the wire format (SparseGPT's reconstructed weights)
                }

                writer.Write(_byMagnitude.Contains(name));
            }
        }

        return ms.ToArray();
    }

    /// <summary>Reads what <see cref="ToBytes"/> wrote, onto <paramref name="device"/>.</summary>
    public static LayerMasks FromBytes(byte[] bytes, Device device)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var reader = new BinaryReader(new MemoryStream(bytes));
        var masks = new LayerMasks { Layer = reader.ReadInt32() };
        int count = reader.ReadInt32();
        for (int i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            using var mask = TensorCodec.Read(reader);
            using var weight = reader.ReadBoolean() ? TensorCodec.Read(reader) : null;
            masks.Add(name, mask.to(device), weight?.to(device));
            if (reader.ReadBoolean())
            {
                masks._byMagnitude.Add(name);
            }
        }

        return masks;
    }

    /// <summary>One layer's masks from the parts shards computed (each Linear in exactly one part); the parts are emptied.</summary>
    /// <exception cref="InvalidOperationException">A Linear in two parts, or parts of different layers.</exception>
    public static LayerMasks Merge(int layer, IEnumerable<LayerMasks> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var merged = new LayerMasks { Layer = layer };
        foreach (var part in parts)
        {
            if (part.Layer != layer)
            {
                throw new InvalidOperationException($"masks of layer {part.Layer} merged into layer {layer}");
            }

            foreach (var (name, mask) in part._masks)
            {
                if (merged._masks.ContainsKey(name))
                {
                    throw new InvalidOperationException($"layer {layer}: {name} masked by two shards");
                }

                merged._masks[name] = mask;
                if (part._weights.TryGetValue(name, out var w))
                {
                    merged._weights[name] = w;
                }

                if (part._byMagnitude.Contains(name))
                {
                    merged._byMagnitude.Add(name);
                }
            }

            part._masks.Clear();
            part._weights.Clear();
        }

        return merged;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in _masks.Values.Concat(_weights.Values))
        {
            t.Dispose();
        }

        _masks.Clear();
        _weights.Clear();
    }
}
