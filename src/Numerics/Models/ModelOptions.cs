using Shear.Numerics.Experiment;
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

    /// <summary>The torch dtype of a compute dtype.</summary>
    public static ScalarType ScalarTypeOf(ComputeDType dtype) => dtype switch
    {
        ComputeDType.Bf16 => ScalarType.BFloat16,
        ComputeDType.Fp16 => ScalarType.Float16,
        _ => ScalarType.Float32,
    };

    /// <summary>The compute dtype of a torch dtype (what <see cref="ScalarTypeOf"/> maps to it).</summary>
    /// <exception cref="ArgumentException">Not a compute dtype.</exception>
    public static ComputeDType ComputeDTypeOf(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => ComputeDType.Fp32,
        ScalarType.BFloat16 => ComputeDType.Bf16,
        ScalarType.Float16 => ComputeDType.Fp16,
        _ => throw new ArgumentException($"{dtype} is not a compute dtype (fp32, bf16 or fp16)", nameof(dtype)),
    };
}
