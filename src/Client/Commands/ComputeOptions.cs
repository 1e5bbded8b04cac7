using Shear.Numerics.Experiment;
using System.CommandLine;
using Shear.Numerics.Models;
using Shear.Numerics.Runtime;

namespace Shear.Client.Commands;

/// <summary><c>--device</c> and <c>--dtype</c>, as <c>prune</c>, <c>eval</c> and <c>generate</c> take them.</summary>
internal sealed class ComputeOptions(string deviceNote = "")
{
    public Option<string> Device { get; } = new("--device")
    {
        Description = $"auto, cpu, cuda or cuda:N (auto: cuda when this build has CUDA and sees a GPU){deviceNote}", DefaultValueFactory = _ => "auto",
    };

    public Option<string?> DType { get; } = new("--dtype") { Description = "Compute dtype: fp32, bf16 or fp16 (default: bf16 on CUDA, fp32 on CPU)" };

    /// <summary>Adds both options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Device);
        command.Options.Add(DType);
    }

    /// <summary>The model options they name.</summary>
    /// <exception cref="ArgumentException">An unknown or absent device, an unknown dtype (one line naming the option).</exception>
    public ModelOptions Resolve(ParseResult parse)
    {
        var device = Devices.Resolve(parse.GetValue(Device)!);
        return Devices.On(device, parse.GetValue(DType) is { } dtype ? ComputeDTypes.Parse(dtype) : null);
    }
}
