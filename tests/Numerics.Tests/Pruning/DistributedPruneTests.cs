using Shear.Numerics.Models;
using Shear.Numerics.Pruning;
using Shear.Numerics.Pruning.Distributed;

namespace Shear.Numerics.Tests.Pruning;

/// <summary>The layer-by-layer steps the grains run give the single-process result, bit for bit, also after a resume.</summary>
public sealed class DistributedPruneTests
{
    private static string Calibration => Path.Combine(Fixtures.Root, "calibration", "mixed.jsonl");

    private static PruneRequest Request(string output, PruningMethod method, string pattern, string family) =>
        new(Fixtures.Model(family), new PruneSpec(method, SparsityPattern.Parse(pattern, 0.5)) { TokenBudget = 64 }, Calibration, null, 8, 24, 0, output, false);

    /// <summary>Runs the job as the grains do; <paramref name="resumeAt"/> drops the activations before that layer and replays them from the saved parts.</summary>
    internal static PruningReport Chain(PruneRequest request, string work, int resumeAt = -1)
    {
        var (samples, mode) = LocalPruneJob.Calibration(request, null);
        var options = new ModelOptions(request.DType);
        int layers = ModelConfigLoader.Load(request.Model).NumHiddenLayers;
        var inputs = PruneJobSteps.Embed(request.Model, samples, options, request.Spec.TokenBudget);
        var reports = new List<LayerReport>();
        for (int k = 0; k < layers; k++)
        {
            if (k == resumeAt)
            {
                inputs.ForEach(i => { i.Hidden.Dispose(); i.Keep.Dispose(); });
                inputs = PruneJobSteps.Replay(request.Model, work, k, samples, options, request.Spec);
            }

            using var worker = LayerWorker.Load(request.Model, k, request.Spec, options);
            foreach (var (b, h, keep) in inputs.AsEnumerable().Reverse()) // arrival order must not matter
            {
                worker.Receive(b, h, keep);
                h.Dispose();
                keep.Dispose();
            }

            reports.Add(worker.Prune(m => PruneJobSteps.SaveMasks(m, work)));
            PruneJobSteps.SavePart(worker, work);
            inputs = k < layers - 1 ? worker.Forward().Select(o => (o.Batch, o.Hidden.clone().DetachFromDisposeScope(), o.Keep.clone().DetachFromDisposeScope())).ToList() : [];
        }

        var report = PruningReport.Of(request, mode, samples, reports, double.NaN, 0); // Assemble counts the zeros
        return PruneJobSteps.Assemble(request, work, report);
    }

    [Theory]
    [InlineData(PruningMethod.Wanda, "unstructured", "llama", -1)]
    [InlineData(PruningMethod.Wanda, "2:4", "gemma", 1)]
    [InlineData(PruningMethod.SparseGpt, "unstructured", "qwen2", 1)]
    [InlineData(PruningMethod.WandaVariant, "unstructured", "mistral", -1)]
    public void LayerStepsEqualTheSingleProcessPruneBitForBit(PruningMethod method, string pattern, string family, int resumeAt)
    {
        var root = Fixtures.TempDir();
        var local = LocalPruneJob.Run(Request(Path.Combine(root, "local"), method, pattern, family));
        var chained = Chain(Request(Path.Combine(root, "chained"), method, pattern, family), Path.Combine(root, "work"), resumeAt);
        Assert.Equal(local.TotalSparsity, chained.TotalSparsity);
        Assert.Equal(local.Layers.Select(l => l.Sparsity), chained.Layers.Select(l => l.Sparsity));
        var files = Directory.GetFiles(Path.Combine(root, "local"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(root, "local"), f)).Where(f => f != PrunedModelWriter.ReportFile).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files, Directory.GetFiles(Path.Combine(root, "chained"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(root, "chained"), f)).Where(f => f != PrunedModelWriter.ReportFile).Order(StringComparer.Ordinal));
        Assert.Contains(files, f => f.StartsWith("masks", StringComparison.Ordinal));
        foreach (var f in files)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(root, "local", f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(root, "chained", f))), $"{f} differs");
        }
    }
}
