using static TorchSharp.torch;

namespace Shear.Numerics.Models;

/// <summary>What every decoder layer needs besides its hidden states for one forward.</summary>
/// <param name="Cos">Rotary cos (B, T, D).</param>
/// <param name="Sin">Rotary sin (B, T, D).</param>
/// <param name="Mask">Additive attention mask (B, 1, T, S): 0 where allowed, dtype-min where not; null = full attention.</param>
/// <param name="Cache">KV cache for incremental decoding, or null.</param>
public sealed record DecoderContext(Tensor Cos, Tensor Sin, Tensor? Mask, KvCache? Cache);
