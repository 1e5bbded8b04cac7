using Shear.Numerics.Runtime;
using static TorchSharp.torch;

namespace Shear.Numerics.Tests.Runtime;

public sealed class DevicesTests
{
    [Theory]
    [InlineData("auto", false, 0, "cpu")]
    [InlineData("auto", true, 0, "cpu")]        // a CUDA build on a node without GPUs
    [InlineData("auto", true, 1, "cuda:0")]
    [InlineData("AUTO", true, 4, "cuda:0")]
    [InlineData("cpu", true, 4, "cpu")]
    [InlineData("cuda", true, 1, "cuda:0")]
    [InlineData("cuda:3", true, 4, "cuda:3")]
    public void ResolvesOnAnInventory(string spec, bool hasCuda, int gpus, string expected) =>
        Assert.Equal(expected, Devices.Resolve(spec, hasCuda, gpus));

    [Theory]
    [InlineData("gpu0", true, 1, "--device gpu0: expected auto, cpu, cuda or cuda:N")]
    [InlineData("cuda:-1", true, 1, "--device cuda:-1: expected auto, cpu, cuda or cuda:N")]
    [InlineData("cuda:7", true, 1, "--device cuda:7: this node has 1 CUDA device (cuda:0)")]
    [InlineData("cuda:4", true, 4, "--device cuda:4: this node has 4 CUDA devices (cuda:0..cuda:3)")]
    [InlineData("cuda", true, 0, "--device cuda: libtorch has CUDA but sees no GPU on this node")]
    [InlineData("cuda", false, 0, "--device cuda: the libtorch in use is the CPU build (no CUDA); " + Devices.CudaBuildHint)]
    public void NamesWhatIsNotThere(string spec, bool hasCuda, int gpus, string message) =>
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => Devices.Resolve(spec, hasCuda, gpus)).Message);

    [Fact]
    public void DefaultDTypeIsBf16OnCudaAndFp32OnCpu()
    {
        Assert.Equal(ScalarType.BFloat16, Devices.DefaultDType("cuda:1"));
        Assert.Equal(ScalarType.Float32, Devices.DefaultDType("cpu"));
    }

    [Fact]
    public void ThisBuildIsTheCpuBuild()
    {
        // The CI machines' libtorch is libtorch-cpu: auto means cpu, and cuda says how to get the CUDA build.
        Assert.Equal((false, 0), Devices.Inventory());
        Assert.Equal("cpu", Devices.Resolve("auto"));
        Assert.Contains("-p:ShearTorchBackend=cuda", Assert.Throws<ArgumentException>(() => Devices.Resolve("cuda")).Message, StringComparison.Ordinal);
    }
}
