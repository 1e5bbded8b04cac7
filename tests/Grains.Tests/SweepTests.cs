using Shear.Grains.Abstractions;
using Shear.Numerics.Experiment;
using Shear.Numerics.Pruning;

namespace Shear.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class SweepTests(ClusterFixture fixture)
{
    // 8 samples of 24 tokens in batches of at most 64 padded tokens: 4 batches, so each job runs as 2 shards, one per silo.
    private static SweepSpec Spec(string output, params string[] domains) => new(
        [Paths.Model("llama")], Vocab.Sets(Paths.Calibration), Vocab.Methods("wanda", "sparsegpt"), Vocab.Patterns(0.5, "unstructured", "2:4"), Vocab.Domains(domains), 8, 24, 0, new EvalSettings { Limit = 1 }, output, Path.Combine(Paths.Repo, "data"))
    {
        TokenBudget = 64, Keep = KeepMode.Checkpoints,
    };

    internal static async Task<SweepStatus> WaitDone(ISweepGrain sweep, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (true)
        {
            var status = await sweep.GetStatus() ?? throw new InvalidOperationException("no sweep");
            if (status.State is not (WorkState.Running or WorkState.Pending) || DateTime.UtcNow > until)
            {
                return status;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task EveryJobEqualsTheSingleProcessPruneBitForBit()
    {
        var root = Paths.TempDir();
        var spec = Spec(Path.Combine(root, "out"));
        var sweep = fixture.Cluster.GrainFactory.GetGrain<ISweepGrain>("bitwise");
        await sweep.Submit(spec with { Domains = [EvalDomain.Ppl] });
        var status = await WaitDone(sweep, TimeSpan.FromMinutes(5));
        Assert.True(status.State == WorkState.Done, status.Message + string.Concat(status.Evaluations.Select(e => e.Message)));
        Assert.Equal(4, status.Jobs.Length);
        Assert.All(status.Jobs, j => Assert.Equal((WorkState.Done, 2, 2), (j.State, j.LayersDone, j.Layers)));
        foreach (var job in SweepPlan.Jobs("bitwise", spec))
        {
            var local = Path.Combine(root, "local", Path.GetFileName(job.Output));
            // Two shards: SparseGPT's Hessians are summed shard by shard, so the local run splits its batches alike
            // (Wanda's statistics give the same bits for any shard count; ShardedPruneTests shows both).
            LocalPruneJob.Run(JobSpecs.Request(job with { Output = local }), shards: 2);
            Paths.AssertSameCheckpoint(local, job.Output);
            Assert.False(Directory.Exists(job.WorkDirectory));
        }

        // Both silos computed (each holds one shard of every job), on their device workers.
        var workers = fixture.Cluster.Silos.OfType<Orleans.TestingHost.InProcessSiloHandle>()
            .Select(h => ((Numerics.Runtime.DevicePool)h.SiloHost.Services.GetService(typeof(Numerics.Runtime.DevicePool))!).Workers.Single()).ToList();
        Assert.Equal(2, workers.Count);
        Assert.All(workers, w => Assert.True(w.Completed > 0, "a silo ran no compute"));

        // Evaluation: the dense row and one row per job, each with its perplexity.
        Assert.Equal(["dense", "sparsegpt 2:4 " + Paths.Calibration, "sparsegpt unstructured " + Paths.Calibration, "wanda 2:4 " + Paths.Calibration, "wanda unstructured " + Paths.Calibration],
            status.Evaluations.Select(e => e.Shard.Row).Order(StringComparer.Ordinal));
        Assert.All(status.Evaluations, e => Assert.True(e.State == WorkState.Done && e.DomainScore > 1, $"{e.Shard.ShardId}: {e.State} {e.Message}"));
    }

    [Fact]
    public async Task TheNewestFamiliesSweepLikeShearPrune()
    {
        // The mixtures of experts and Gemma 3's multimodal checkpoint through the grains: each job equals the single
        // process prune bit for bit, and the experts pruned by magnitude reach pruning.json through the job's state.
        var root = Paths.TempDir();
        var spec = Spec(Path.Combine(root, "out")) with
        {
            Models = [Paths.Model("mixtral"), Paths.Model("qwen3_moe"), Paths.Model("gemma3")], Methods = Vocab.Methods("wanda"),
            Patterns = Vocab.Patterns(0.5, "unstructured"), Domains = [EvalDomain.Ppl],
        };
        var sweep = fixture.Cluster.GrainFactory.GetGrain<ISweepGrain>("families");
        await sweep.Submit(spec);
        var status = await WaitDone(sweep, TimeSpan.FromMinutes(5));
        Assert.True(status.State == WorkState.Done, status.Message + string.Concat(status.Evaluations.Select(e => e.Message)));
        Assert.Equal(3, status.Jobs.Length);
        foreach (var job in SweepPlan.Jobs("families", spec))
        {
            var local = Path.Combine(root, "local", Path.GetFileName(job.Output));
            LocalPruneJob.Run(JobSpecs.Request(job with { Output = local }), shards: 2);
            Paths.AssertSameCheckpoint(local, job.Output);
            using var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(job.Output, "pruning.json")));
            var layer0 = report.RootElement.GetProperty("layers")[0];
            bool byMagnitude = layer0.TryGetProperty("pruned_by_magnitude", out var list) && list.EnumerateArray().Any(e => e.GetString() == "mlp.experts.7.up_proj");
            Assert.Equal(job.Model.EndsWith("qwen3_moe", StringComparison.Ordinal), byMagnitude); // built unreachable
        }

        Assert.All(status.Evaluations, e => Assert.True(e.State == WorkState.Done && e.DomainScore > 1, $"{e.Shard.ShardId}: {e.State} {e.Message}"));
    }

    [Fact]
    public async Task ASweepsDTypeIsEveryShardsAndEqualsTheSingleProcessPruneInIt()
    {
        var root = Paths.TempDir();
        var spec = Spec(Path.Combine(root, "out"), "ppl") with { Methods = Vocab.Methods("wanda"), Patterns = Vocab.Patterns(0.5, "unstructured"), DType = ComputeDType.Bf16 };
        var sweep = fixture.Cluster.GrainFactory.GetGrain<ISweepGrain>("bf16");
        await sweep.Submit(spec);
        var status = await WaitDone(sweep, TimeSpan.FromMinutes(5));
        Assert.True(status.State == WorkState.Done, status.Message + string.Concat(status.Evaluations.Select(e => e.Message)));
        var job = Assert.Single(SweepPlan.Jobs("bf16", spec));
        Assert.Equal(ComputeDType.Bf16, job.DType);
        using (var report = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(job.Output, "pruning.json"), TestContext.Current.CancellationToken)))
        {
            Assert.Equal("BFloat16", report.RootElement.GetProperty("dtype").GetString());
        }

        // Both shards computed in bf16 (a shard in fp32 would change the activations the next layer's statistics see).
        var local = Path.Combine(root, "local");
        LocalPruneJob.Run(JobSpecs.Request(job with { Output = local }), shards: 2);
        Paths.AssertSameCheckpoint(local, job.Output);
        var fp32 = Path.Combine(root, "fp32");
        LocalPruneJob.Run(JobSpecs.Request(job with { Output = fp32, DType = null }), shards: 2);
        Assert.ThrowsAny<Exception>(() => Paths.AssertSameCheckpoint(fp32, job.Output)); // the dtype shows in the masks
    }

    [Fact]
    public async Task AMasksOnlySweepExportsTheSingleProcessCheckpointsAndEvaluatesAlike()
    {
        var root = Paths.TempDir();
        var spec = Spec(Path.Combine(root, "out"), "ppl") with { Patterns = Vocab.Patterns(0.5, "unstructured"), Keep = KeepMode.Masks };
        var sweep = fixture.Cluster.GrainFactory.GetGrain<ISweepGrain>("masks-only");
        await sweep.Submit(spec);
        var status = await WaitDone(sweep, TimeSpan.FromMinutes(5));
        Assert.True(status.State == WorkState.Done, status.Message + string.Concat(status.Evaluations.Select(e => e.Message)));
        foreach (var job in SweepPlan.Jobs("masks-only", spec))
        {
            Assert.True(File.Exists(Path.Combine(job.Output, Numerics.Checkpoints.SubModel.FileName)));
            Assert.False(File.Exists(Path.Combine(job.Output, "model.safetensors")));
            var name = job.JobId.Replace('/', '-');
            var local = Path.Combine(root, "local", name);
            LocalPruneJob.Run(JobSpecs.Request(job with { Output = local, Keep = KeepMode.Checkpoints }), shards: 2);
            var exported = Path.Combine(root, "exported", name);
            SubModelExport.Run(job.Output, exported, overwrite: false);
            Paths.AssertSameCheckpoint(local, exported);
            // The eval shard read the masks over the base: its perplexity is the full checkpoint's.
            var options = new Numerics.Evaluation.EvalOptions { Domains = ["ppl"], Limit = 1, DataDirectory = Path.Combine(Paths.Repo, "data") };
            var expected = Numerics.Evaluation.LocalEvalJob.Run(local, options).Results.Select(r => (r.Benchmark, r.Value));
            var row = status.Evaluations.Single(e => e.Shard.Model == job.Output);
            Assert.Equal(expected, row.Scores.Select(r => (r.Benchmark, r.Value)));
        }
    }

    [Fact]
    public async Task TwoSilosShareTheEvaluationShards()
    {
        var shards = Enumerable.Range(0, 6).Select(i => new EvalShard($"share/{i}", "dense", Paths.Model("llama"), EvalDomain.Ppl, new EvalSettings { Limit = 1 }, 0, Path.Combine(Paths.Repo, "data"))).ToList();
        var results = await Task.WhenAll(shards.Select(s => fixture.Cluster.GrainFactory.GetGrain<IEvalGrain>(s.ShardId).Evaluate(s, TimeSpan.FromMilliseconds(200))));
        Assert.All(results, r => Assert.Equal(WorkState.Done, r.State));
        Assert.Equal(2, results.Select(r => r.Silo).Distinct().Count());
        Assert.Single(results.Select(r => r.DomainScore).Distinct()); // the same model and data everywhere: the same perplexity
    }

    [Fact]
    public async Task UnknownSweepIdSaysSoAndBadSpecsAreNamed()
    {
        Assert.Null(await fixture.Cluster.GrainFactory.GetGrain<ISweepGrain>("never-submitted").GetStatus());
        var sweep = fixture.Cluster.GrainFactory.GetGrain<ISweepGrain>("bad");
        var e = await Assert.ThrowsAsync<Shear.Grains.Abstractions.Errors.BadInputException>(() => sweep.Submit(Spec(Paths.TempDir()) with { Methods = Vocab.Methods("wanda", "owl+wanda", "wanda") }));
        Assert.Equal("method 'wanda' is listed twice in a sweep", e.Message);
        var d = await Assert.ThrowsAsync<Shear.Grains.Abstractions.Errors.BadInputException>(() => sweep.Submit(Spec(Paths.TempDir()) with { Calibrations = Vocab.Sets("nosuchset") }));
        Assert.StartsWith("nosuchset: unknown dataset", d.Message, StringComparison.Ordinal);
        Assert.Null(await sweep.GetStatus());
    }

    [Fact]
    public async Task MissingModelsBadCountsAndAReusedIdWithAnotherSpecAreRefusedAtSubmission()
    {
        var sweep = fixture.Cluster.GrainFactory.GetGrain<ISweepGrain>("refused");
        var root = Paths.TempDir();
        var missing = Path.Combine(root, "no-model");
        var m = await Assert.ThrowsAsync<Shear.Grains.Abstractions.Errors.BadInputException>(() => sweep.Submit(Spec(root) with { Models = [missing] }));
        Assert.Equal($"model {missing}: not a model folder the silos can see (no config.json)", m.Message);
        var c = await Assert.ThrowsAsync<Shear.Grains.Abstractions.Errors.BadInputException>(() => sweep.Submit(Spec(root, "code") with { Eval = new EvalSettings { Limit = 1, CodeSamples = -1 } }));
        Assert.Equal("--code-samples -1 is out of range (1 to 1000)", c.Message);
        Assert.Null(await sweep.GetStatus());

        var reused = fixture.Cluster.GrainFactory.GetGrain<ISweepGrain>("reused");
        var spec = Spec(Path.Combine(root, "out")) with { Methods = Vocab.Methods("magnitude"), Patterns = Vocab.Patterns(0.5, "unstructured") };
        await reused.Submit(spec);
        await reused.Submit(spec with { Models = [.. spec.Models] }); // the same spec again (new arrays, same values): fine
        var r = await Assert.ThrowsAsync<Shear.Grains.Abstractions.Errors.BadInputException>(() => reused.Submit(spec with { Patterns = Vocab.Patterns(0.6, "unstructured") }));
        Assert.Equal("sweep id 'reused' exists with another spec: choose another --id", r.Message);
        Assert.Equal(WorkState.Done, (await WaitDone(reused, TimeSpan.FromMinutes(2))).State);
    }
}
