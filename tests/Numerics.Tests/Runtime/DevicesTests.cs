using Shear.Numerics.Experiment;
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

    [Theory]
    [InlineData(ScalarType.Float32, "fp32", "float32")]
    [InlineData(ScalarType.BFloat16, "bf16", "BFloat16")]
    [InlineData(ScalarType.Float16, "fp16", "half")]
    public void ADTypesNameReadsBack(ScalarType dtype, string name, string longName)
    {
        var compute = Shear.Numerics.Models.ModelOptions.ComputeDTypeOf(dtype);
        Assert.Equal(name, ComputeDTypes.Name(compute));
        Assert.Equal(compute, ComputeDTypes.Parse(name));
        Assert.Equal(compute, ComputeDTypes.Parse(longName));
        Assert.Equal(dtype, Shear.Numerics.Models.ModelOptions.ScalarTypeOf(compute));
    }

    [Fact]
    public void AnUnknownDTypeIsNamedWithItsOption() =>
        Assert.Equal("dtype: int8: expected fp32, bf16 or fp16", Assert.Throws<ArgumentException>(() => ComputeDTypes.Parse("int8", "dtype:")).Message);

    [Fact]
    public void ThisBuildIsTheCpuBuild()
    {
        // The CI machines' libtorch is libtorch-cpu: auto means cpu, and cuda says how to get the CUDA build.
        Assert.Equal((false, 0), Devices.Inventory());
        Assert.Equal("cpu", Devices.Resolve("auto"));
        Assert.Contains("-p:ShearTorchBackend=cuda", Assert.Throws<ArgumentException>(() => Devices.Resolve("cuda")).Message, StringComparison.Ordinal);
    }
}

public sealed class SiloDevicesTests
{
    [Theory]
    [InlineData(null, false, 0, "cpu")]
    [InlineData("", true, 0, "cpu")]                       // a CUDA build that sees no GPU
    [InlineData("auto", true, 1, "cuda:0")]
    [InlineData(null, true, 4, "cuda:0,cuda:1,cuda:2,cuda:3")] // default: every visible GPU
    [InlineData("cuda:1, cuda:3", true, 4, "cuda:1,cuda:3")]
    [InlineData("cpu", true, 4, "cpu")]
    [InlineData("cuda,cpu", true, 1, "cuda:0,cpu")]
    public void ASiloComputesOnTheDevicesItsSettingNames(string? spec, bool hasCuda, int gpus, string expected) =>
        Assert.Equal(expected, string.Join(",", Devices.ForSilo(spec, hasCuda, gpus)));

    [Theory]
    [InlineData("gpu", true, 1, "Shear:Devices=gpu: gpu: expected auto, cpu, cuda or cuda:N")]
    [InlineData("cuda:7", true, 1, "Shear:Devices=cuda:7: cuda:7: this node has 1 CUDA device (cuda:0)")]
    [InlineData("cuda:0", false, 0, "Shear:Devices=cuda:0: cuda:0: the libtorch in use is the CPU build (no CUDA); " + Devices.CudaBuildHint)]
    [InlineData("cuda:0,cuda", true, 2, "Shear:Devices=cuda:0,cuda: cuda:0 is named twice")]
    [InlineData("cuda:0,,cuda:1", true, 2, "Shear:Devices=cuda:0,,cuda:1: expected auto, or a list of cpu, cuda and cuda:N")]
    public void ABadSettingIsNamed(string spec, bool hasCuda, int gpus, string message) =>
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => Devices.ForSilo(spec, hasCuda, gpus)).Message);
}

public sealed class DevicePoolTests
{
    [Fact]
    public void LeasesSpreadOverTheDevicesAndComeBack()
    {
        // A fake 4-GPU inventory: the workers are threads named after their devices; nothing here touches CUDA.
        using var pool = new DevicePool(Devices.ForSilo(null, hasCuda: true, gpus: 4));
        Assert.Equal(4, pool.Gpus);
        Assert.Equal(4, pool.FreeSlots);
        var leases = Enumerable.Range(0, 4).Select(_ => pool.Lease()).ToList();
        Assert.Equal(["cuda:0", "cuda:1", "cuda:2", "cuda:3"], leases.Select(l => l.Device));
        Assert.Equal(0, pool.FreeSlots);
        var fifth = pool.Lease();                      // all held: the fifth shares the first device
        Assert.Equal("cuda:0", fifth.Device);
        leases[2].Dispose();
        leases[2].Dispose();                           // once only
        Assert.Equal(1, pool.FreeSlots);
        Assert.Equal("cuda:2", pool.Lease().Device);   // the freed device is the next one leased
        Assert.Equal([2, 1, 1, 1], pool.Slots().Select(s => s.Leases));
    }

    [Fact]
    public async Task ALeaseRunsOnItsDevicesWorkerInTheDevicesDefaultDType()
    {
        using var pool = new DevicePool(["cpu", "cuda:0"]);
        using var cpu = pool.Lease();
        using var gpu = pool.Lease();
        Assert.Equal(1, pool.Gpus);
        Assert.Equal(ScalarType.Float32, cpu.Options(null).DType);
        Assert.Equal(ScalarType.BFloat16, gpu.Options(null).DType);
        Assert.Equal(ScalarType.Float32, gpu.Options(ComputeDType.Fp32).DType);
        Assert.Equal("cuda:0", gpu.Options(null).DeviceName);
        Assert.Equal("shear-device-cuda:0", await gpu.Worker.Run(() => Thread.CurrentThread.Name, TestContext.Current.CancellationToken));
        Assert.Equal(1, gpu.Worker.Completed);
        Assert.Equal(0, cpu.Worker.Completed);
    }

    [Fact]
    public void APoolNeedsDistinctDevices()
    {
        Assert.Throws<ArgumentException>(() => new DevicePool([]));
        Assert.Throws<ArgumentException>(() => new DevicePool(["cpu", "cpu"]));
    }
}

public sealed class DeviceMemoryTests
{
    [Fact]
    public void ReadsNvidiaSmisMibPerGpuAndFindsADevicesShare()
    {
        var perGpu = DeviceMemory.Parse("81037\n 512 \n\n");
        Assert.Equal([81037L << 20, 512L << 20], perGpu);
        Assert.Equal(512L << 20, DeviceMemory.Of(perGpu, "cuda:1"));
        Assert.Null(DeviceMemory.Of(perGpu, "cuda:2"));
        Assert.Null(DeviceMemory.Of(perGpu, "cpu"));
        Assert.Null(DeviceMemory.Of(null, "cuda:0"));
        Assert.Throws<FormatException>(() => DeviceMemory.Parse("[N/A]"));
    }

    [Fact]
    public void TheHostsFreeMemoryIsMemAvailable()
    {
        var line = File.ReadLines("/proc/meminfo").Single(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
        long kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        var free = DeviceMemory.Free("cpu");
        Assert.NotNull(free);
        Assert.InRange(free!.Value, (kb << 10) / 2, (kb << 10) * 2); // it moves between the two reads, not by half
    }
}
