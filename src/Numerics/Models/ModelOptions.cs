using static TorchSharp.torch;

namespace Shear.Numerics.Models;

/// <summary>How attention scores are computed; both give the same result up to rounding.</summary>
public enum AttentionKernel
{
    /// <summary>libtorch's fused <c>scaled_dot_product_attention</c>.</summary>
    Sdpa,

    /// <summary>Explicit softmax(QK^T/sqrt(d) + mask) V, softmax in fp32 (HF's eager path).</summary>
    Eager,
}

/// <summary>Runtime knobs of a model instance (not part of the checkpoint).</summary>
/// <param name="DType">Compute and parameter dtype (Float32 or BFloat16).</param>
/// <param name="Kernel">Attention kernel.</param>
/// <param name="DeviceName">Torch device name (<c>cpu</c>, <c>cuda</c>, <c>cuda:1</c>).</param>
public sealed record ModelOptions(ScalarType DType = ScalarType.Float32, AttentionKernel Kernel = AttentionKernel.Sdpa, string DeviceName = "cpu")
{
    /// <summary>fp32 on CPU with SDPA.</summary>
    public static ModelOptions Default { get; } = new();

    /// <summary>The torch device.</summary>
    public Device Device => device(DeviceName);

    /// <summary>The short name of a compute dtype (<c>fp32</c>, <c>bf16</c>, <c>fp16</c>), which <see cref="ParseDType"/> reads back.</summary>
    /// <exception cref="ArgumentException">Not a compute dtype.</exception>
    public static string NameOf(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "fp32",
        ScalarType.BFloat16 => "bf16",
        ScalarType.Float16 => "fp16",
        _ => throw new ArgumentException($"{dtype} is not a compute dtype (fp32, bf16 or fp16)", nameof(dtype)),
    };

    /// <summary>Parses a dtype name (<c>fp32</c>/<c>float32</c>, <c>bf16</c>/<c>bfloat16</c>, <c>fp16</c>/<c>float16</c>).</summary>
    public static ScalarType ParseDType(string name) => name.ToLowerInvariant() switch
    {
        "fp32" or "float32" or "float" => ScalarType.Float32,
        "bf16" or "bfloat16" => ScalarType.BFloat16,
        "fp16" or "float16" or "half" => ScalarType.Float16,
        _ => throw new ArgumentException($"unknown dtype '{name}' (use fp32, bf16 or fp16)", nameof(name)),
    };
}
