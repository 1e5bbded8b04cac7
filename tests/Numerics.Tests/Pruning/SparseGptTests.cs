using Shear.Numerics.Checkpoints;
using Shear.Numerics.Experiment;
using Shear.Numerics.Pruning;
using static TorchSharp.torch;

namespace Shear.Numerics.Tests.Pruning;

public sealed class SparseGptTests
{
    private static SafetensorsFile Reference() => SafetensorsFile.Open(Path.Combine(Fixtures.Root, "pruning", "sparsegpt.safetensors"));

    [Theory]
    [InlineData("unstructured", "hessian", 8, 0, 0)]
    [InlineData("nm24", "hessian", 8, 2, 4)]
    [InlineData("dead", "hessian_dead", 16, 0, 0)]
    public void ReproducesTheReferenceFasterprune(string tag, string hessian, int blockSize, int n, int m)
    {
        using var file = Reference();
        using var scope = NewDisposeScope();
        var pattern = n == 0 ? SparsityPattern.Unstructured(0.5) : SparsityPattern.NofM(n, m);
        var (w, mask) = SparseGptSolver.Prune(file.Read("weight"), file.Read(hessian), pattern, blockSize);
        Assert.True(mask.equal(file.Read($"{tag}.mask")).all().item<bool>(), $"{tag}: masks differ");
        double diff = Fixtures.MaxAbsDiff(w, file.Read($"{tag}.weight"));
        Assert.True(diff < 1e-4, $"{tag}: max |diff| = {diff:E3}");
    }

    [Fact]
    public void HessianFromBatchesEqualsTheReferenceRunningUpdate()
    {
        using var file = Reference();
        using var scope = NewDisposeScope();
        using var stats = new InputStatistics(StatisticsKind.Hessian);
        // Batches of 2 and 4 samples, unlike the reference's one at a time.
        stats.Add(cat([file.Read("sample.0"), file.Read("sample.1")], 0), 2, 0);
        stats.Add(cat([file.Read("sample.2"), file.Read("sample.3"), file.Read("sample.4"), file.Read("sample.5")], 0), 4, 1);
        double diff = Fixtures.MaxAbsDiff(stats.Hessian(), file.Read("hessian"));
        Assert.True(diff < 1e-4, $"max |diff| = {diff:E3}");
    }

    [Fact]
    public void ReconstructsCorrelatedInputsBetterThanWanda()
    {
        using var scope = NewDisposeScope();
        using var gen = new Generator(5); // its own generator: tests in parallel share the global one
        int rows = 64, cols = 128;
        var mix = (randn([cols, cols], generator: gen) / Math.Sqrt(cols)) + (eye(cols) * 0.3);
        var x = randn([2048, cols], generator: gen).matmul(mix); // correlated inputs (tokens, C)
        var w = randn([rows, cols], generator: gen);
        using var hessianStats = new InputStatistics(StatisticsKind.Hessian);
        hessianStats.Add(x, 16, 0);
        using var normStats = new InputStatistics(StatisticsKind.ActivationNorms);
        normStats.Add(x, 16, 0);
        var (sparse, _) = SparseGptSolver.Prune(w, hessianStats.Hessian(), SparsityPattern.Unstructured(0.5));
        var wanda = w.masked_fill(SparsityMask.PerRow(LayerPruner.Score(w, normStats), 0.5), 0.0);
        double Error(Tensor pruned) => (x.matmul(w.t()) - x.matmul(pruned.t())).norm().item<float>();
        double sparseError = Error(sparse), wandaError = Error(wanda);
        Assert.True(sparseError < wandaError, $"SparseGPT {sparseError:F2} should be below Wanda {wandaError:F2}");
        Assert.InRange(sparse.eq(0).to_type(ScalarType.Float32).mean().item<float>(), 0.5f, 0.52f);
    }
}
