using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Shear.Numerics.Models;

/// <summary>Gated MLP: <c>down(act(gate(x)) * up(x))</c>: SwiGLU for Llama-family, GeGLU (tanh GELU) for Gemma.</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "gate_proj")]
    private readonly Linear? _gateProj;

    [ComponentName(Name = "up_proj")]
    private readonly Linear? _upProj;

    [ComponentName(Name = "gate_up_proj")]
    private readonly Linear? _gateUpProj;

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
        if (config.FusedProjections)
        {
            _gateUpProj = nn.Linear(config.HiddenSize, 2 * config.IntermediateSize, config.MlpBias, options.Device, options.DType); // Phi: gate rows, then up rows
        }
        else
        {
            _gateProj = nn.Linear(config.HiddenSize, config.IntermediateSize, config.MlpBias, options.Device, options.DType);
            _upProj = nn.Linear(config.HiddenSize, config.IntermediateSize, config.MlpBias, options.Device, options.DType);
        }

        _downProj = nn.Linear(config.IntermediateSize, config.HiddenSize, config.MlpBias, options.Device, options.DType);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor gate, up;
        if (_gateUpProj is not null)
        {
            var both = _gateUpProj.call(x).chunk(2, -1); // Phi: gate, up = gate_up_proj(x).chunk(2, dim=-1)
            (gate, up) = (both[0], both[1]);
        }
        else
        {
            (gate, up) = (_gateProj!.call(x), _upProj!.call(x));
        }

        var act = _activation switch
        {
            "silu" => nn.functional.silu(gate),
            "gelu" => nn.functional.gelu(gate),
            _ => nn.functional.gelu(gate, GELU.Approximate.tanh), // gelu_pytorch_tanh, gelu_new
        };
        return _downProj.call(act * up).MoveToOuterDisposeScope();
    }
}
