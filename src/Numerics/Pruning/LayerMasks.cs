using static TorchSharp.torch;

namespace Shear.Numerics.Pruning;

/// <summary>The masks (True = pruned) of one layer's Linears, plus SparseGPT's reconstructed weights. Owns its tensors.</summary>
public sealed class LayerMasks : IDisposable
{
    private readonly Dictionary<string, Tensor> _masks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Tensor> _weights = new(StringComparer.Ordinal);

    /// <summary>The layer index.</summary>
    public required int Layer { get; init; }

    /// <summary>Masks by Linear name relative to the layer (<c>self_attn.q_proj</c> ...), in layer order.</summary>
    public IReadOnlyDictionary<string, Tensor> Masks => _masks;

    /// <summary>Weights that replace the originals (SparseGPT), by the same names; empty for other methods.</summary>
    public IReadOnlyDictionary<string, Tensor> Weights => _weights;

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
