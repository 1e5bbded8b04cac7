using Shear.Numerics.Experiment;
using Shear.Numerics.Models;
using Shear.Numerics.Pruning;
using Shear.Numerics.Pruning.Loop;
using Shear.Numerics.Runtime;

namespace Shear.Numerics.Tests.Pruning;

/// <summary>The mask step split by Linear over the shards: the split itself, and the same bits as the job computing every mask.</summary>
public sealed class ShardedMaskTests
{
    [Fact]
    public void TheSplitGivesTheLargestLinearsFirstToTheLeastLoadedShard()
    {
        // A Llama layer of hidden 4 and intermediate 8: q 16, k 8, v 8, o 16, gate 32, up 32, down 32 elements.
        (string, long)[] linears =
        [
            ("self_attn.q_proj", 16), ("self_attn.k_proj", 8), ("self_attn.v_proj", 8), ("self_attn.o_proj", 16),
            ("mlp.gate_proj", 32), ("mlp.up_proj", 32), ("mlp.down_proj", 32),
        ];
        // By hand: down, gate, up (32 each) to shards 0, 1, 2; o and q (16) to 0 and 1; k, v (8) to 2 (load 32 < 48) then 2 again (40 < 48).
        Assert.Equal(
            [["mlp.down_proj", "self_attn.o_proj"], ["mlp.gate_proj", "self_attn.q_proj"], ["mlp.up_proj", "self_attn.k_proj", "self_attn.v_proj"]],
            MaskSplit.Plan(linears, 3).Select(p => p.ToArray()));
        // More shards than Linears: one Linear each, the eighth shard idle.
        Assert.Equal([1, 1, 1, 1, 1, 1, 1, 0], MaskSplit.Plan(linears, 8).Select(p => p.Count));
        Assert.Equal(linears.Select(l => l.Item1).Order(StringComparer.Ordinal), MaskSplit.Plan(linears, 2).SelectMany(p => p).Order(StringComparer.Ordinal));
    }

    public static TheoryData<string> Methods() => ["wanda", "wanda-variant", "sparsegpt", "ria", "dsnot", "owl+wanda"];

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task MasksComputedOnTheShardsEqualTheJobsBitForBit(string method)
    {
        var model = Fixtures.Model("llama");
        var samples = Enumerable.Range(0, 9).Select(i => Enumerable.Range(1 + i, 10 + i).Select(t => t % 200 + 1).ToArray()).ToList();
        var (m, owl) = PruningMethods.ParseWithOwl(method);
        var spec = PruneSpec.Of(m, owl, SparsityPattern.Unstructured(0.5), MethodOptions.Default) with { TokenBudget = 24 };
        if (owl)
        {
            var dense = new List<InProcessShard>();
            for (int s = 0; s < 3; s++)
            {
                dense.Add(await InProcessShard.StartAsync(ShardSetup.Dense(model, spec, samples, ModelOptions.Default, s, 3, 0), InlineCompute.Instance, TestContext.Current.CancellationToken));
            }

            spec = await LayerLoop.OwlAsync(model, spec, ModelOptions.Default, dense, InlineCompute.Instance, cancellationToken: TestContext.Current.CancellationToken);
            dense.ForEach(d => d.Dispose());
        }

        var onShards = await Run(model, spec, samples, masksOnShards: true);
        var onJob = await Run(model, spec, samples, masksOnShards: false);
        Assert.Equal(onJob.Keys, onShards.Keys);
        Assert.Contains(onJob.Keys, k => k.StartsWith("masks", StringComparison.Ordinal));
        foreach (var (file, bytes) in onJob)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(onShards[file]), $"{method}: {file} differs");
        }
    }

    // The staged output (every file but the report) of the loop over three in-process shards.
    private static async Task<SortedDictionary<string, byte[]>> Run(string model, PruneSpec spec, IReadOnlyList<int[]> samples, bool masksOnShards)
    {
        using var output = PrunedModelWriter.Create(model, Path.Combine(Fixtures.TempDir(), "out"), false);
        var shards = new List<InProcessShard>();
        try
        {
            for (int s = 0; s < 3; s++)
            {
                shards.Add(await InProcessShard.StartAsync(new ShardSetup(model, output.Staging, spec, samples, ModelOptions.Default, s, 3, 0), InlineCompute.Instance, TestContext.Current.CancellationToken));
            }

            await LayerLoop.RunAsync(model, spec, ModelOptions.Default, output, shards, InlineCompute.Instance, cancellationToken: TestContext.Current.CancellationToken, masksOnShards: masksOnShards);
        }
        finally
        {
            shards.ForEach(s => s.Dispose());
        }

        return new SortedDictionary<string, byte[]>(Directory.GetFiles(output.Staging, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".shear-staging", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(output.Staging, f), File.ReadAllBytes), StringComparer.Ordinal);
    }
}
