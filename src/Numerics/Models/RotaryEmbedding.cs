using static TorchSharp.torch;

namespace Shear.Numerics.Models;

/// <summary>
/// Rotary position embedding (RoPE), with HF's <c>linear</c>, <c>llama3</c> and <c>longrope</c> frequency scaling, over
/// the first <see cref="ModelConfig.RotaryDim"/> dimensions of each head (Phi's partial rotary factor).
/// Frequencies are computed once in fp32; cos/sin for given positions are built per forward.
/// </summary>
public sealed class RotaryEmbedding : IDisposable
{
    private readonly Tensor _invFreq;
    private Tensor? _onDevice;
    private readonly RotaryEmbedding? _local;
    private readonly RotaryEmbedding? _long;
    private readonly long _longFrom;
    private readonly double _attentionScale = 1.0;

    /// <summary>Builds the inverse frequencies for <paramref name="config"/>.</summary>
    public RotaryEmbedding(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var inv = InverseFrequencies(config.RotaryDim, config.RopeTheta, config.RopeScaling);
        _invFreq = tensor(inv).DetachFromDisposeScope(); // host: the table is made once here and copied once to each device it is used on
        if (config.LocalRopeTheta is { } local)
        {
            _local = new RotaryEmbedding(InverseFrequencies(config.RotaryDim, local, null), 1.0); // Gemma 3's local layers: their own base, no scaling
        }

        if (config.RopeScaling is { Kind: "longrope" } longrope)
        {
            // transformers' _compute_longrope_parameters: short factors up to the pre-training length, long ones beyond
            // (chosen per forward from its largest position), cos and sin scaled by the attention factor.
            int original = config.OriginalMaxPositionEmbeddings ?? config.MaxPositionEmbeddings;
            double factor = config.OriginalMaxPositionEmbeddings is { } o ? (double)config.MaxPositionEmbeddings / o : longrope.Factor;
            _attentionScale = longrope.AttentionFactor ?? (factor <= 1.0 ? 1.0 : Math.Sqrt(1 + (Math.Log(factor) / Math.Log(original))));
            _longFrom = original;
            _long = new RotaryEmbedding(LongRope(config.RotaryDim, config.RopeTheta, longrope.LongFactor!), _attentionScale);
        }
    }

    private RotaryEmbedding(float[] inv, double attentionScale)
    {
        _invFreq = tensor(inv).DetachFromDisposeScope(); // host: made once, copied once to each device
        _attentionScale = attentionScale;
    }

    /// <summary>cos and sin of the local layers where they have their own rope base (Gemma 3), else (null, null).</summary>
    public (Tensor? Cos, Tensor? Sin) ComputeLocal(Tensor positionIds, ScalarType dtype) =>
        _local is null ? (null, null) : _local.Compute(positionIds, dtype);

    /// <summary>longrope's inverse frequencies for the given per-frequency factors: 1 / (factor_i x theta^(2i/d)).</summary>
    public static float[] LongRope(int dim, double theta, IReadOnlyList<double> factors)
    {
        ArgumentNullException.ThrowIfNull(factors);
        return [.. Enumerable.Range(0, dim / 2).Select(i => (float)(1.0 / (factors[i] * Math.Pow(theta, (float)(2 * i) / dim))))];
    }

    /// <summary>HF's inverse frequencies <c>1 / theta^(2i/d)</c>, scaled as configured (computed in double, stored fp32).</summary>
    public static float[] InverseFrequencies(int headDim, double theta, RopeScaling? scaling)
    {
        int half = headDim / 2;
        var inv = new double[half];
        for (int i = 0; i < half; i++)
        {
            // HF: 1.0 / (base ** (torch.arange(0, dim, 2).float() / dim)) in fp32.
            inv[i] = 1.0 / Math.Pow(theta, (float)(2 * i) / headDim);
        }

        switch (scaling?.Kind ?? "default")
        {
            case "longrope":
                return LongRope(headDim, theta, scaling!.ShortFactor!);
            case "linear":
                for (int i = 0; i < half; i++)
                {
                    inv[i] /= scaling!.Factor;
                }

                break;
            case "llama3":
                ApplyLlama3(inv, scaling!);
                break;
        }

        return inv.Select(v => (float)v).ToArray();
    }

    private static void ApplyLlama3(double[] inv, RopeScaling s)
    {
        // transformers' _compute_llama3_parameters: long wavelengths are divided by `factor`, short ones kept,
        // the band between is interpolated smoothly.
        double lowWavelen = s.OriginalMaxPositionEmbeddings / s.LowFreqFactor;
        double highWavelen = s.OriginalMaxPositionEmbeddings / s.HighFreqFactor;
        for (int i = 0; i < inv.Length; i++)
        {
            double wavelen = 2 * Math.PI / inv[i];
            double scaled = wavelen > lowWavelen ? inv[i] / s.Factor : inv[i];
            bool medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
            if (medium)
            {
                double smooth = (s.OriginalMaxPositionEmbeddings / wavelen - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
                scaled = ((1 - smooth) * scaled / s.Factor) + (smooth * scaled);
            }

            inv[i] = scaled;
        }
    }

    /// <summary>cos and sin for <paramref name="positionIds"/> (B, T), each (B, T, D), in <paramref name="dtype"/>.</summary>
    public (Tensor Cos, Tensor Sin) Compute(Tensor positionIds, ScalarType dtype)
    {
        ArgumentNullException.ThrowIfNull(positionIds);
        if (_long is not null && positionIds.numel() > 0 && positionIds.max().item<long>() + 1 > _longFrom) // host: longrope picks its table by the forward's length, as transformers does
        {
            return _long.Compute(positionIds, dtype);
        }

        using var scope = NewDisposeScope();
        var inv = On(positionIds.device);
        var freqs = positionIds.to_type(ScalarType.Float32).unsqueeze(-1) * inv; // (B, T, 1) x (D/2) -> (B, T, D/2)
        var emb = cat([freqs, freqs], -1);                                       // (B, T, D/2) -> (B, T, D)
        var (cos, sin) = (emb.cos(), emb.sin());
        if (_attentionScale != 1.0)
        {
            (cos, sin) = (cos * _attentionScale, sin * _attentionScale); // longrope's attention factor
        }

        return (cos.to_type(dtype).MoveToOuterDisposeScope(), sin.to_type(dtype).MoveToOuterDisposeScope());
    }

    // The inverse frequencies on the device of the positions (copied there once, not for every context).
    private Tensor On(Device device)
    {
        if (_onDevice is null || _onDevice.device_type != device.type || _onDevice.device_index != device.index)
        {
            var previous = _onDevice;
            _onDevice = _invFreq.to(device).DetachFromDisposeScope();
            if (!ReferenceEquals(previous, _invFreq))
            {
                previous?.Dispose();
            }
        }

        return _onDevice;
    }

    /// <summary>Rotates <paramref name="x"/> (B, H, T, D) by cos/sin (B, T, R): its first R dimensions (R = D unless the rotary factor is partial), the rest passed through.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(cos);
        using var scope = NewDisposeScope();
        long rotary = cos.shape[^1];
        var part = rotary == x.shape[^1] ? x : x.narrow(-1, 0, rotary);
        var c = cos.unsqueeze(1); // (B, T, R) -> (B, 1, T, R)
        var s = sin.unsqueeze(1);
        long half = rotary / 2;
        var rotated = cat([-part.narrow(-1, half, half), part.narrow(-1, 0, half)], -1); // rotate_half: (x1, x2) -> (-x2, x1)
        var result = (part * c) + (rotated * s);
        if (rotary != x.shape[^1])
        {
            result = cat([result, x.narrow(-1, rotary, x.shape[^1] - rotary)], -1); // Phi: the pass-through dimensions
        }

        return result.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_onDevice is not null && !ReferenceEquals(_onDevice, _invFreq))
        {
            _onDevice.Dispose();
        }

        _invFreq.Dispose();
        _local?.Dispose();
        _long?.Dispose();
    }
}
