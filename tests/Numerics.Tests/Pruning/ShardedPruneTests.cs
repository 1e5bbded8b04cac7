using Shear.Numerics.Experiment;
using Shear.Numerics.Models;
using Shear.Numerics.Pruning;
using Shear.Numerics.Pruning.Loop;
using Shear.Numerics.Runtime;

namespace Shear.Numerics.Tests.Pruning;

/// <summary>
/// The data-parallel layer loop: the statistics of R shards reduced in batch order give the one-shard result bit for
/// bit, whatever R, and a job stopped after a layer and resumed with fresh shards (replaying the staged layers) writes
/// the same checkpoint.
/// </summary>
public sealed class ShardedPruneTests
{
    private static string Calibration => Path.Combine(Fixtures.Root, "calibration", "mixed.jsonl");

    // A token budget of 64 with 24-token samples makes 4 batches of 2 samples: enough for 3 shards.
    private static PruneRequest Request(string output, PruningMethod method, string pattern, string family) =>
        new(Fixtures.Model(family), new PruneSpec(method, SparsityPattern.Parse(pattern, 0.5)) { TokenBudget = 64 }, CalibrationSet.Parse(Calibration), null, 8, 24, 0, output, false);

    private static List<string> Files(string folder) => Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(folder, f)).Where(f => f != PrunedModelWriter.ReportFile).Order(StringComparer.Ordinal).ToList();

    internal static void AssertSameFiles(string expected, string actual)
    {
        var files = Files(expected);
        Assert.Equal(files, Files(actual));
        Assert.Contains(files, f => f.StartsWith(PrunedModelWriter.MaskFolder, StringComparison.Ordinal));
        foreach (var f in files)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(expected, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, f))), $"{f} differs");
        }
    }

    [Theory]
    [InlineData(PruningMethod.Wanda, "unstructured", "llama")]
    [InlineData(PruningMethod.Wanda, "2:4", "gemma")]
    [InlineData(PruningMethod.Magnitude, "unstructured", "qwen2")]
    [InlineData(PruningMethod.WandaVariant, "unstructured", "mistral")]
    [InlineData(PruningMethod.Ria, "unstructured", "llama")]
    [InlineData(PruningMethod.Ria, "2:4", "qwen2")]
    [InlineData(PruningMethod.Dsnot, "unstructured", "mistral")]
    [InlineData(PruningMethod.Dsnot, "2:4", "llama")]
    public void TwoAndThreeShardsWriteTheOneShardCheckpointBitForBit(PruningMethod method, string pattern, string family)
    {
        var root = Fixtures.TempDir();
        var one = LocalPruneJob.Run(Request(Path.Combine(root, "r1"), method, pattern, family), shards: 1);
        foreach (int r in new[] { 2, 3 })
        {
            var sharded = LocalPruneJob.Run(Request(Path.Combine(root, $"r{r}"), method, pattern, family), shards: r);
            Assert.Equal(one.TotalSparsity, sharded.TotalSparsity);
            AssertSameFiles(Path.Combine(root, "r1"), Path.Combine(root, $"r{r}"));
        }
    }

    [Fact]
    public void SparseGptOverShardsStaysWithinTheRoundingOfItsHessianSum()
    {
        // Hessians are summed per shard, then shard by shard: a different fp32 summation order, so the solve may
        // choose differently where two candidates are within rounding. Sparsity is exact either way (the pattern
        // fixes the count per row); the masks must agree almost everywhere.
        var root = Fixtures.TempDir();
        var one = LocalPruneJob.Run(Request(Path.Combine(root, "r1"), PruningMethod.SparseGpt, "unstructured", "qwen2"), shards: 1);
        var three = LocalPruneJob.Run(Request(Path.Combine(root, "r3"), PruningMethod.SparseGpt, "unstructured", "qwen2"), shards: 3);
        Assert.Equal(one.TotalSparsity, three.TotalSparsity);
        long differ = 0, total = 0;
        foreach (var file in Directory.GetFiles(Path.Combine(root, "r1", PrunedModelWriter.MaskFolder)))
        {
            using var a = MaskFile.Read(file);
            using var b = MaskFile.Read(Path.Combine(root, "r3", PrunedModelWriter.MaskFolder, Path.GetFileName(file)));
            differ += a.ne(b).sum().item<long>();
            total += a.numel();
        }

        Assert.True(differ <= total / 200, $"{differ} of {total} mask entries differ between 1 and 3 shards (bound: 0.5%)");
    }

    [Theory]
    [InlineData(PruningMethod.Wanda, "unstructured", "llama", 1)]
    [InlineData(PruningMethod.SparseGpt, "unstructured", "qwen2", 1)]
    [InlineData(PruningMethod.Wanda, "2:4", "gemma", 2)]
    public async Task AJobStoppedAfterALayerResumesFromTheStagedOutput(PruningMethod method, string pattern, string family, int shards)
    {
        var root = Fixtures.TempDir();
        var request = Request(Path.Combine(root, "resumed"), method, pattern, family);
        LocalPruneJob.Run(Request(Path.Combine(root, "local"), method, pattern, family), shards: shards);
        var draw = LocalPruneJob.Calibration(request, null);
        var samples = draw.Samples;
        var staging = Path.Combine(root, "resumed.work");
        var reports = new List<LayerReport>();
        var ct = TestContext.Current.CancellationToken;

        // First attempt: stops (as a lost silo would) once layer 0 is recorded.
        using (var output = PrunedModelWriter.Resume(request.Model, request.Out, staging, resume: false))
        {
            var first = await Start(request, staging, samples, shards, 0);
            await Assert.ThrowsAsync<OperationCanceledException>(() => LayerLoop.RunAsync(request.Model, request.Spec, ModelOptions.Default, output, first,
                InlineCompute.Instance, 0, r =>
                {
                    reports.Add(r);
                    throw new OperationCanceledException("silo lost");
                }, cancellationToken: ct));
            first.ForEach(s => s.Dispose());
        }

        // Second attempt: fresh shards replay layer 0 from the staged output and go on.
        using (var output = PrunedModelWriter.Resume(request.Model, request.Out, staging, resume: true))
        {
            var again = await Start(request, staging, samples, shards, reports.Count);
            reports.AddRange(await LayerLoop.RunAsync(request.Model, request.Spec, ModelOptions.Default, output, again, InlineCompute.Instance, reports.Count, cancellationToken: ct));
            again.ForEach(s => s.Dispose());
            output.Complete(PruningReport.Of(request, draw, reports, LayerReport.TotalSparsity(reports), 0));
        }

        Assert.False(Directory.Exists(staging));
        AssertSameFiles(Path.Combine(root, "local"), request.Out);
    }

    private static async Task<List<InProcessShard>> Start(PruneRequest request, string staging, List<int[]> samples, int shards, int firstLayer)
    {
        var list = new List<InProcessShard>();
        for (int s = 0; s < shards; s++)
        {
            list.Add(await InProcessShard.StartAsync(new ShardSetup(request.Model, staging, request.Spec, samples, ModelOptions.Default, s, shards, firstLayer), InlineCompute.Instance));
        }

        return list;
    }
}
