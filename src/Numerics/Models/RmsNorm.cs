using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Shear.Numerics.Models;

/// <summary>
/// RMSNorm as HF computes it: normalise in fp32, then scale. Llama casts back before multiplying by
/// <c>w</c>; Gemma multiplies by <c>1 + w</c> in fp32 and casts after (its weights are stored as offsets from 1).
/// </summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly double _eps;
    private readonly bool _unitOffset;

    /// <summary>Creates a norm of width <paramref name="size"/>.</summary>
    public RmsNorm(long size, double eps, bool unitOffset, ModelOptions options)
        : base(nameof(RmsNorm))
    {
        ArgumentNullException.ThrowIfNull(options);
        _eps = eps;
        _unitOffset = unitOffset;
        _weight = new Parameter(unitOffset ? zeros(size, options.DType, options.Device) : ones(size, options.DType, options.Device));
        RegisterComponents();
    }

    [ComponentName(Name = "weight")]
    private readonly Parameter _weight;

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var xf = x.to_type(ScalarType.Float32);
        var normed = xf * rsqrt(xf.pow(2).mean([-1L], keepdim: true) + _eps);
        var result = _unitOffset
            ? (normed * (_weight.to_type(ScalarType.Float32) + 1.0)).to_type(x.dtype)
            : _weight * normed.to_type(x.dtype);
        return result.MoveToOuterDisposeScope();
    }
}
