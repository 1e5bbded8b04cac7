using Shear.Numerics.Pruning;
using static TorchSharp.torch;

namespace Shear.Numerics.Tests.Pruning;

public sealed class SparsityMaskTests
{
    // W and scaler_row chosen so that sqrt(scaler_row) = [2, 1, 1, .5, 1, 2, .5, 1].
    private static readonly float[,] W = { { 1, -2, 3, -4, 5, -6, 7, -8 }, { 8, 7, -6, 5, -4, 3, -2, 1 } };
    private static readonly float[] Scaler = [4, 1, 1, 0.25f, 1, 4, 0.25f, 1];

    // Wanda metric |W| * sqrt(s), worked out by hand:
    //   row 0: [2, 2, 3, 2, 5, 12, 3.5, 8]
    //   row 1: [16, 7, 6, 2.5, 4, 6, 1, 1]
    private static Tensor WandaScore()
    {
        using var stats = new InputStatistics(StatisticsKind.ActivationNorms);
        // One sample whose single token has x_j^2 = scaler_row[j]: scaler_row = (1/1) * x^2.
        stats.Add(tensor(Scaler).sqrt().unsqueeze(0), 1, 0);
        return LayerPruner.Score(tensor(W), stats);
    }

    private static bool[] Row(Tensor mask, int r) => mask[r].data<bool>().ToArray();

    [Fact]
    public void WandaMetricIsAbsWeightTimesRootScaler()
    {
        using var scope = NewDisposeScope();
        var score = WandaScore();
        Assert.Equal(new float[] { 2, 2, 3, 2, 5, 12, 3.5f, 8, 16, 7, 6, 2.5f, 4, 6, 1, 1 }, score.flatten().data<float>().ToArray());
    }

    [Fact]
    public void WandaUnstructuredPrunesTheHandComputedEntries()
    {
        using var scope = NewDisposeScope();
        var mask = SparsityMask.PerRow(WandaScore(), 0.5);
        // row 0 ascending (stable): 2@0, 2@1, 2@3, 3@2 | row 1: 1@6, 1@7, 2.5@3, 4@4
        Assert.Equal(new[] { true, true, true, true, false, false, false, false }, Row(mask, 0));
        Assert.Equal(new[] { false, false, false, true, true, false, true, true }, Row(mask, 1));
    }

    [Fact]
    public void TiesArePrunedInColumnOrder()
    {
        using var scope = NewDisposeScope();
        // ratio 0.625 -> 5 per row; row 1's fifth smallest is a tie 6@2 vs 6@5: the lower column goes.
        var mask = SparsityMask.PerRow(WandaScore(), 0.625);
        Assert.Equal(new[] { true, true, true, true, false, false, true, false }, Row(mask, 0));
        Assert.Equal(new[] { false, false, true, true, true, false, true, true }, Row(mask, 1));
    }

    [Fact]
    public void WandaTwoFourPrunesTwoOfEachGroupOfFour()
    {
        using var scope = NewDisposeScope();
        var mask = SparsityMask.NofM(WandaScore(), 2, 4);
        // row 0: [2,2,3,2] -> cols 0,1 (stable among the 2s); [5,12,3.5,8] -> cols 6,4
        Assert.Equal(new[] { true, true, false, false, true, false, true, false }, Row(mask, 0));
        // row 1: [16,7,6,2.5] -> cols 3,2; [4,6,1,1] -> cols 6,7
        Assert.Equal(new[] { false, false, true, true, false, false, true, true }, Row(mask, 1));
    }

    [Fact]
    public void WandaFourEightPrunesFourOfEachGroupOfEight()
    {
        using var scope = NewDisposeScope();
        var mask = SparsityMask.NofM(WandaScore(), 4, 8);
        Assert.Equal(new[] { true, true, true, true, false, false, false, false }, Row(mask, 0));
        Assert.Equal(new[] { false, false, false, true, true, false, true, true }, Row(mask, 1));
    }

    [Fact]
    public void MagnitudeUsesOneThresholdPerMatrixAndPrunesTiesAtIt()
    {
        using var scope = NewDisposeScope();
        // |W| holds 1..8 twice: sorted[int(16 * 0.5)] = sorted[8] = 5, and every |w| <= 5 goes: 10 of 16.
        var mask = SparsityMask.MatrixThreshold(tensor(W).abs(), 0.5);
        Assert.Equal(new[] { true, true, true, true, true, false, false, false }, Row(mask, 0));
        Assert.Equal(new[] { false, false, false, true, true, true, true, true }, Row(mask, 1));
    }

    [Fact]
    public void MagnitudeTwoFourPrunesTheSmallestTwoPerGroup()
    {
        using var scope = NewDisposeScope();
        var mask = SparsityMask.NofM(tensor(W).abs(), 2, 4);
        Assert.Equal(new[] { true, true, false, false, true, true, false, false }, Row(mask, 0));
        Assert.Equal(new[] { false, false, true, true, false, false, true, true }, Row(mask, 1));
    }

    [Fact]
    public void EachRowPrunesExactlyFloorOfWidthTimesRatio()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var mask = SparsityMask.PerRow(rand(50, 37), 0.3); // floor(37 * 0.3) = floor(11.1) = 11
        Assert.Equal(Enumerable.Repeat(11L, 50), mask.sum(1L).data<long>().ToArray());
    }

    [Fact]
    public void EveryGroupOfFourHasExactlyTwoPruned()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        var mask = SparsityMask.NofM(rand(40, 64), 2, 4);
        Assert.Equal(Enumerable.Repeat(2L, 40 * 16), mask.reshape(40, 16, 4).sum(2L).flatten().data<long>().ToArray());
    }

    [Fact]
    public void WithEqualActivationNormsWandaEqualsPerRowMagnitude()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var w = randn(30, 48);
        using var stats = new InputStatistics(StatisticsKind.ActivationNorms);
        stats.Add(full(5, 48, 0.7f), 5, 0);
        var wanda = SparsityMask.PerRow(LayerPruner.Score(w, stats), 0.5);
        var magnitude = SparsityMask.PerRow(w.abs(), 0.5);
        Assert.True(wanda.equal(magnitude).all().item<bool>());
    }

    [Fact]
    public void WandaVariantReachesTheTargetAndPrunesSmallestFirstInEachRow()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var score = rand(64, 128);
        var mask = SparsityMask.WandaVariant(score, 0.5);
        double achieved = mask.to_type(ScalarType.Float32).mean().item<float>();
        Assert.InRange(achieved, 0.499, 0.501);
        // Within a row, every pruned score is <= every kept score.
        var prunedMax = score.masked_fill(mask.logical_not(), double.NegativeInfinity).max(1).values;
        var keptMin = score.masked_fill(mask, double.PositiveInfinity).min(1).values;
        Assert.True((prunedMax <= keptMin).all().item<bool>());
    }
}
