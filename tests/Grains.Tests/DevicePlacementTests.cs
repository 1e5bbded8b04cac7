using Orleans.TestingHost;
using Shear.Grains.Abstractions;
using Shear.Grains.Hosting;
using Shear.Grains.Placement;
using Shear.Numerics.Runtime;

namespace Shear.Grains.Tests;

/// <summary>
/// Two silos with fake inventories, a CPU one and one with 4 GPUs (device workers named cuda:0..3; nothing computes
/// on them here): each posts its devices and free slots to the work board, and a job's shards go one per GPU.
/// </summary>
public sealed class DevicePlacementTests
{
    private static int configured;

    [Fact]
    public async Task TheBoardCarriesEachSilosDevicesAndAJobTakesAShardPerGpu()
    {
        Interlocked.Exchange(ref configured, 0);
        var cluster = new TestClusterBuilder(2).AddSiloBuilderConfigurator<FakeInventories>().Build();
        await cluster.DeployAsync(TestContext.Current.CancellationToken);
        try
        {
            SiloLoad[] board = [];
            for (var until = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < until && board.Length < 2; await Task.Delay(100, TestContext.Current.CancellationToken))
            {
                board = await cluster.GrainFactory.GetGrain<IWorkBoardGrain>(0).Read();
            }

            Assert.Equal(2, board.Length);
            var gpu = Assert.Single(board, l => l.Gpus > 0);
            var cpu = Assert.Single(board, l => l.Gpus == 0);
            Assert.Equal(("cuda", 4, 4, 4), (gpu.Accelerator, gpu.Gpus, gpu.Devices, gpu.FreeSlots));
            Assert.Equal(("cpu", 1, 1), (cpu.Accelerator, cpu.Devices, cpu.FreeSlots));

            var shards = await ShardSilos.Choose(cluster.GrainFactory, wanted: 0, batches: 16);
            Assert.Equal(Enumerable.Repeat(gpu.Silo, 4), shards.Select(s => s.ToString()));
            var capped = await ShardSilos.Choose(cluster.GrainFactory, wanted: 0, batches: 2);
            Assert.Equal(2, capped.Count);
        }
        finally
        {
            await cluster.StopAllSilosAsync(TestContext.Current.CancellationToken);
            await cluster.DisposeAsync();
        }
    }

    private sealed class FakeInventories : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            // The first silo built is the CPU one, the second sees 4 GPUs.
            var devices = Interlocked.Increment(ref configured) == 1 ? Devices.ForSilo(null, false, 0) : Devices.ForSilo(null, true, 4);
            siloBuilder.AddMemoryGrainStorage(GrainStorage.Name).UseInMemoryReminderService().AddShear(devices: devices);
        }
    }
}
