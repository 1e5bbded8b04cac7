using static TorchSharp.torch;

namespace Shear.Numerics.Models;

/// <summary>
/// Per-layer key/value cache for incremental decoding. Storage is preallocated and grows by doubling;
/// appends copy into place, and reads return views of the filled part.
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor?[] _keys;
    private readonly Tensor?[] _values;
    private readonly long[] _lengths;

    /// <summary>Creates an empty cache for <paramref name="layers"/> layers.</summary>
    public KvCache(int layers)
    {
        _keys = new Tensor?[layers];
        _values = new Tensor?[layers];
        _lengths = new long[layers];
    }

    /// <summary>Tokens cached so far (layer 0's length; every layer holds the same after a full forward).</summary>
    public long Length => _lengths.Length == 0 ? 0 : _lengths[0];

    /// <summary>Appends (B, KVH, T, D) keys/values for <paramref name="layer"/>; returns views of all cached (B, KVH, S, D).</summary>
    public (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values)
    {
        long t = keys.shape[2];
        long start = _lengths[layer];
        EnsureCapacity(layer, keys, start + t);
        _keys[layer]!.narrow(2, start, t).copy_(keys);
        _values[layer]!.narrow(2, start, t).copy_(values);
        _lengths[layer] = start + t;
        return (_keys[layer]!.narrow(2, 0, start + t), _values[layer]!.narrow(2, 0, start + t));
    }

    private void EnsureCapacity(int layer, Tensor like, long needed)
    {
        var current = _keys[layer];
        if (current is not null && current.shape[2] >= needed)
        {
            return;
        }

        long capacity = Math.Max(needed, current is null ? needed : current.shape[2] * 2);
        long[] shape = [like.shape[0], like.shape[1], capacity, like.shape[3]];
        var k = empty(shape, like.dtype, like.device).DetachFromDisposeScope();
        var v = empty(shape, like.dtype, like.device).DetachFromDisposeScope();
        if (current is not null)
        {
            long n = _lengths[layer];
            k.narrow(2, 0, n).copy_(current.narrow(2, 0, n));
            v.narrow(2, 0, n).copy_(_values[layer]!.narrow(2, 0, n));
            current.Dispose();
            _values[layer]!.Dispose();
        }

        _keys[layer] = k;
        _values[layer] = v;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in _keys.Concat(_values))
        {
            t?.Dispose();
        }

        Array.Clear(_keys);
        Array.Clear(_values);
    }
}
