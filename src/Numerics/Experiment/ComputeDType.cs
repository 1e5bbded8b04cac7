namespace Shear.Numerics.Experiment;

/// <summary>The dtype a model computes in (its parameters and activations).</summary>
public enum ComputeDType
{
    /// <summary>IEEE float32.</summary>
    Fp32,

    /// <summary>bfloat16 (the CUDA default).</summary>
    Bf16,

    /// <summary>IEEE float16.</summary>
    Fp16,
}

/// <summary>Spellings of <see cref="ComputeDType"/>: <c>fp32</c>, <c>bf16</c>, <c>fp16</c> (and the long names PyTorch uses).</summary>
public static class ComputeDTypes
{
    /// <summary>The short name of a dtype, which <see cref="Parse"/> reads back.</summary>
    public static string Name(ComputeDType dtype) => dtype switch
    {
        ComputeDType.Fp32 => "fp32",
        ComputeDType.Bf16 => "bf16",
        ComputeDType.Fp16 => "fp16",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>Parses a dtype name (<c>fp32</c>/<c>float32</c>, <c>bf16</c>/<c>bfloat16</c>, <c>fp16</c>/<c>float16</c>), case ignored.</summary>
    /// <param name="text">The name.</param>
    /// <param name="option">What the text was given as (<c>--dtype</c>, <c>dtype:</c>), for the message.</param>
    /// <exception cref="ArgumentException">Anything else (named, with the known names).</exception>
    public static ComputeDType Parse(string text, string option = "--dtype")
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Trim().ToLowerInvariant() switch
        {
            "fp32" or "float32" or "float" => ComputeDType.Fp32,
            "bf16" or "bfloat16" => ComputeDType.Bf16,
            "fp16" or "float16" or "half" => ComputeDType.Fp16,
            _ => throw new ArgumentException($"{option} {text}: expected fp32, bf16 or fp16"),
        };
    }
}
