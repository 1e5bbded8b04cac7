using Shear.Numerics.Checkpoints;
using Shear.Numerics.Experiment;
using Shear.Numerics.Models;
using Shear.Numerics.Pruning;
using static TorchSharp.torch;

namespace Shear.Numerics.Tests.Pruning;

/// <summary>The layer step with the device and dtype as parameters: every tensor it makes stays on them.</summary>
public sealed class DeviceStepTests
{
    private static readonly List<int[]> Samples = [[406, 17, 42, 5, 88, 23, 9, 301], [406, 60, 61, 62, 3, 77], [406, 5, 6]];

    /// <summary>
    /// Observe -> masks -> apply -> forward of one layer with the device and dtype as parameters: parameters,
    /// statistics, masks and hidden states are checked. (TorchSharp's meta device, which would make any host read
    /// throw, cannot run this step: libtorch 2.10 has no Meta kernel for index_select, abs, where ...; HostReadTests
    /// finds host reads and host tensors in the loop's code instead.)
    /// </summary>
    [Theory]
    [InlineData("cpu", ScalarType.Float32, PruningMethod.Wanda)]
    [InlineData("cpu", ScalarType.BFloat16, PruningMethod.Wanda)]
    [InlineData("cpu", ScalarType.BFloat16, PruningMethod.Ria)]
    [InlineData("cpu", ScalarType.BFloat16, PruningMethod.Dsnot)]
    public void TheLayerStepStaysOnItsDevice(string device, ScalarType dtype, PruningMethod method)
    {
        var model = Fixtures.Model("llama");
        var config = ModelConfigLoader.Load(model);
        var options = new ModelOptions(dtype, DeviceName: device);
        using var reader = CheckpointReader.Open(model);
        using var rotary = new RotaryEmbedding(config);
        using var embedding = reader.Read("model.embed_tokens.weight").to(options.Device).to_type(dtype);
        var plan = ActivationSet.Plan(Samples.Select(s => s.Length).ToList(), 16);
        using var set = ActivationSet.Embed(config, rotary, embedding, Samples, plan, Enumerable.Range(0, plan.Count), options.Device);
        using var layer = CausalLM.LoadLayer(config, reader, 0, options);
        foreach (var (name, p) in layer.named_parameters())
        {
            Runtime.DevicePathTests.AssertOn(p, device, dtype, name);
        }

        using var statistics = LayerPruner.Observe(layer, set, method);
        using (var scaler = statistics.Linears["self_attn.q_proj"].ScalerRow())
        {
            Runtime.DevicePathTests.AssertOn(scaler, device, ScalarType.Float32, "scaler_row");       // statistics in fp32 (reduced in fp64)
        }

        using var masks = LayerPruner.ComputeMasks(layer, statistics, new PruneSpec(method, SparsityPattern.Unstructured(0.5)));
        foreach (var (name, mask) in masks.Masks)
        {
            Runtime.DevicePathTests.AssertOn(mask, device, ScalarType.Bool, $"mask of {name}");
        }

        LayerPruner.Apply(layer, masks);
        LayerPruner.Forward(layer, set);
        foreach (var batch in set.Batches)
        {
            Runtime.DevicePathTests.AssertOn(batch.Hidden, device, dtype, $"batch {batch.Index}'s hidden states");
        }
    }
}
