using Orleans.TestingHost;
using Shear.Grains.Abstractions;
using Shear.Grains.DataPlane;
using Shear.Grains.Hosting;
using Shear.Numerics.Pruning;

namespace Shear.Grains.Tests;

/// <summary>With the data plane switched off, activations go as chunked grain messages, with the same result.</summary>
public sealed class ChunkedFallbackTests
{
    private sealed class NoDataPlane : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) =>
            siloBuilder.AddMemoryGrainStorage(GrainStorage.Name).UseInMemoryReminderService().AddShear(new DataPlaneOptions { Enabled = false });
    }

    [Fact]
    public async Task ChunkedMessagesGiveTheSameCheckpoint()
    {
        var cluster = new TestClusterBuilder(2).AddSiloBuilderConfigurator<NoDataPlane>().Build();
        await cluster.DeployAsync(TestContext.Current.CancellationToken);
        try
        {
            var root = Paths.TempDir();
            var spec = new SweepSpec([Paths.Model("gemma")], [Paths.Calibration], ["wanda"], ["unstructured"], 0.5, [], 8, 24, 0, null, Path.Combine(root, "out"), Path.Combine(Paths.Repo, "data"));
            var sweep = cluster.GrainFactory.GetGrain<ISweepGrain>("chunked");
            await sweep.Submit(spec);
            var status = await SweepTests.WaitDone(sweep, TimeSpan.FromMinutes(3));
            Assert.True(status.State == WorkState.Done, status.Message);
            Assert.Empty(status.Evaluations);
            var job = SweepPlan.Jobs("chunked", spec).Single();
            var local = Path.Combine(root, "local");
            LocalPruneJob.Run(JobSpecs.Request(job with { Output = local }));
            Paths.AssertSameCheckpoint(local, job.Output);
        }
        finally
        {
            await cluster.StopAllSilosAsync(TestContext.Current.CancellationToken);
            await cluster.DisposeAsync();
        }
    }
}
