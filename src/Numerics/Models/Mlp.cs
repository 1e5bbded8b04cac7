using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Shear.Numerics.Models;

/// <summary>
/// Gated MLP: <c>down(act(gate(x)) * up(x))</c>: SwiGLU for Llama-family, GeGLU (tanh GELU) for Gemma. Also each
/// expert of a mixture (<see cref="SparseMoe"/>), whose Linears Mixtral names w1 (gate), w3 (up) and w2 (down).
/// </summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    // Registered under the family's names with register_module; kept in an array, since TorchSharp's named_modules
    // would also list a Linear field under the field's own name.
    private readonly Linear?[] _linears = new Linear?[4]; // gate, up, fused gate_up, down
    private readonly string _activation;

    /// <summary>Creates the dense MLP of one layer (its Linears named as HF names them for the family).</summary>
    public Mlp(ModelConfig config, ModelOptions options)
        : this(config, options, config?.IntermediateSize ?? 0, "mlp", mixtralNames: false)
    {
    }

    /// <summary>Creates a gated MLP of width <paramref name="width"/> named <paramref name="name"/> (an expert: its index).</summary>
    public Mlp(ModelConfig config, ModelOptions options, int width, string name, bool mixtralNames)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        _activation = config.Activation;
        if (config.FusedProjections)
        {
            _linears[2] = nn.Linear(config.HiddenSize, 2 * width, config.MlpBias, options.Device, options.DType); // Phi: gate rows, then up rows
            register_module("gate_up_proj", _linears[2]!);
        }
        else
        {
            _linears[0] = nn.Linear(config.HiddenSize, width, config.MlpBias, options.Device, options.DType);
            _linears[1] = nn.Linear(config.HiddenSize, width, config.MlpBias, options.Device, options.DType);
            register_module(mixtralNames ? "w1" : "gate_proj", _linears[0]!);
            register_module(mixtralNames ? "w3" : "up_proj", _linears[1]!);
        }

        _linears[3] = nn.Linear(width, config.HiddenSize, config.MlpBias, options.Device, options.DType);
        register_module(mixtralNames ? "w2" : "down_proj", _linears[3]!);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor gate, up;
        if (_linears[2] is { } gateUp)
        {
            var both = gateUp.call(x).chunk(2, -1); // Phi: gate, up = gate_up_proj(x).chunk(2, dim=-1)
            (gate, up) = (both[0], both[1]);
        }
        else
        {
            (gate, up) = (_linears[0]!.call(x), _linears[1]!.call(x));
        }

        var act = _activation switch
        {
            "silu" => nn.functional.silu(gate),
            "gelu" => nn.functional.gelu(gate),
            _ => nn.functional.gelu(gate, GELU.Approximate.tanh), // gelu_pytorch_tanh, gelu_new
        };
        return _linears[3]!.call(act * up).MoveToOuterDisposeScope();
    }
}
