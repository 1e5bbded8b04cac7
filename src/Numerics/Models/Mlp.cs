using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Shear.Numerics.Models;

/// <summary>Gated MLP: <c>down(act(gate(x)) * up(x))</c>: SwiGLU for Llama-family, GeGLU (tanh GELU) for Gemma.</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "gate_proj")]
    private readonly Linear _gateProj;

    [ComponentName(Name = "up_proj")]
    private readonly Linear _upProj;

    [ComponentName(Name = "down_proj")]
    private readonly Linear _downProj;

    private readonly string _activation;

    /// <summary>Creates the MLP of one layer.</summary>
    public Mlp(ModelConfig config, ModelOptions options)
        : base("mlp")
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        _activation = config.Activation;
        _gateProj = nn.Linear(config.HiddenSize, config.IntermediateSize, config.MlpBias, options.Device, options.DType);
        _upProj = nn.Linear(config.HiddenSize, config.IntermediateSize, config.MlpBias, options.Device, options.DType);
        _downProj = nn.Linear(config.IntermediateSize, config.HiddenSize, config.MlpBias, options.Device, options.DType);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var gate = _gateProj.call(x);
        var act = _activation switch
        {
            "silu" => nn.functional.silu(gate),
            "gelu" => nn.functional.gelu(gate),
            _ => nn.functional.gelu(gate, GELU.Approximate.tanh), // gelu_pytorch_tanh, gelu_new
        };
        return _downProj.call(act * _upProj.call(x)).MoveToOuterDisposeScope();
    }
}
