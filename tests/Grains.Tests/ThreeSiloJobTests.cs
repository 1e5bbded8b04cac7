using Orleans.TestingHost;
using Shear.Grains.Abstractions;
using Shear.Grains.Hosting;
using Shear.Numerics.Experiment;
using Shear.Numerics.Pruning;

namespace Shear.Grains.Tests;

/// <summary>One job over three silos (three shards) writes the checkpoint of a one-shard <c>shear prune</c>, byte for byte.</summary>
public sealed class ThreeSiloJobTests
{
    private sealed class Silo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) =>
            siloBuilder.AddMemoryGrainStorage(GrainStorage.Name).UseInMemoryReminderService().AddShear();
    }

    [Fact]
    public async Task ThreeShardsGiveTheOneShardCheckpoint()
    {
        var cluster = new TestClusterBuilder(3).AddSiloBuilderConfigurator<Silo>().Build();
        await cluster.DeployAsync(TestContext.Current.CancellationToken);
        try
        {
            var root = Paths.TempDir();
            var spec = new SweepSpec([Paths.Model("gemma")], Vocab.Sets(Paths.Calibration), Vocab.Methods("wanda", "magnitude", "owl+wanda", "dsnot"), Vocab.Patterns(0.5, "unstructured", "2:4"), Vocab.Domains(), 8, 24, 0, new EvalSettings(),
                Path.Combine(root, "out"), Path.Combine(Paths.Repo, "data")) { Keep = KeepMode.Checkpoints, TokenBudget = 64 };
            var sweep = cluster.GrainFactory.GetGrain<ISweepGrain>("three");
            await sweep.Submit(spec);
            var status = await SweepTests.WaitDone(sweep, TimeSpan.FromMinutes(8));
            Assert.True(status.State == WorkState.Done, status.Message);
            foreach (var job in SweepPlan.Jobs("three", spec))
            {
                var local = Path.Combine(root, "local", Path.GetFileName(job.Output));
                LocalPruneJob.Run(JobSpecs.Request(job with { Output = local }), shards: 1);
                Paths.AssertSameCheckpoint(local, job.Output);
            }

            var workers = cluster.Silos.OfType<InProcessSiloHandle>()
                .Select(h => ((Numerics.Runtime.DevicePool)h.SiloHost.Services.GetService(typeof(Numerics.Runtime.DevicePool))!).Workers.Single()).ToList();
            Assert.Equal(3, workers.Count);
            Assert.All(workers, w => Assert.True(w.Completed > 0, "a silo ran no shard"));
        }
        finally
        {
            await cluster.StopAllSilosAsync(TestContext.Current.CancellationToken);
            await cluster.DisposeAsync();
        }
    }
}
