using static TorchSharp.torch;

namespace Shear.Numerics.Models;

/// <summary>What every decoder layer needs besides its hidden states for one forward.</summary>
/// <param name="Cos">Rotary cos (B, T, D).</param>
/// <param name="Sin">Rotary sin (B, T, D).</param>
/// <param name="Mask">Additive attention mask (B, 1, T, S): 0 where allowed, dtype-min where not; null = full attention.</param>
/// <param name="Cache">KV cache for incremental decoding, or null.</param>
public sealed record DecoderContext(Tensor Cos, Tensor Sin, Tensor? Mask, KvCache? Cache)
{
    /// <summary>The mask of the layers with a sliding window (<see cref="ModelConfig.WindowOf"/>), or null (none has one, or nothing to mask).</summary>
    public Tensor? LocalMask { get; init; }

    /// <summary>Rotary cos of the local layers where they have their own base (Gemma 3's <c>rope_local_base_freq</c>), else null.</summary>
    public Tensor? LocalCos { get; init; }

    /// <summary>Rotary sin of the local layers, as <see cref="LocalCos"/>.</summary>
    public Tensor? LocalSin { get; init; }

    /// <summary>The mask, cos and sin layer <paramref name="layer"/> attends with.</summary>
    public (Tensor? Mask, Tensor Cos, Tensor Sin) For(ModelConfig config, int layer)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.WindowOf(layer) is null ? (Mask, Cos, Sin) : (LocalMask, LocalCos ?? Cos, LocalSin ?? Sin);
    }

    /// <summary>The same context with every tensor detached from the current dispose scope (a batch owns it).</summary>
    public DecoderContext Detached() => this with
    {
        Cos = Cos.DetachFromDisposeScope(), Sin = Sin.DetachFromDisposeScope(), Mask = Mask?.DetachFromDisposeScope(),
        LocalMask = LocalMask?.DetachFromDisposeScope(), LocalCos = LocalCos?.DetachFromDisposeScope(), LocalSin = LocalSin?.DetachFromDisposeScope(),
    };

    /// <summary>Disposes every tensor of the context (not the cache).</summary>
    public void DisposeTensors()
    {
        Cos.Dispose();
        Sin.Dispose();
        Mask?.Dispose();
        LocalMask?.Dispose();
        LocalCos?.Dispose();
        LocalSin?.Dispose();
    }
}
