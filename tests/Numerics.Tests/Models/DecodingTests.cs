using Shear.Numerics.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Shear.Numerics.Tests.Models;

public sealed class DecodingTests
{
    public static TheoryData<string> Families() => new(Fixtures.Families);

    [Theory]
    [MemberData(nameof(Families))]
    public void KvCacheDecodingEqualsFullRecomputation(string family)
    {
        using var model = CausalLM.Load(Fixtures.Model(family));
        var ids = Fixtures.Expected(family)[1].Ids; // 12 tokens: longer than mistral's window of 4
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var full = model.Forward(tensor(ids).unsqueeze(0))[0];
        using var cache = new KvCache(model.Config.NumHiddenLayers);
        var prefix = model.Forward(tensor(ids[..3]).unsqueeze(0), cache: cache)[0];
        Assert.True(Fixtures.MaxAbsDiff(prefix, full.narrow(0, 0, 3)) < 1e-5);
        for (int t = 3; t < ids.Length; t++)
        {
            var step = model.Forward(tensor(new[] { ids[t] }).unsqueeze(0), cache: cache)[0, 0];
            double diff = Fixtures.MaxAbsDiff(step, full[t]);
            Assert.True(diff < 1e-4, $"{family} token {t}: max |diff| = {diff:E3}");
        }

        Assert.Equal(ids.Length, cache.Length);
    }

    [Fact]
    public void KvCacheDecodingWithLeftPaddingEqualsUnpaddedRecomputation()
    {
        using var model = CausalLM.Load(Fixtures.Model("llama"));
        long[] a = [1, 17, 42, 5, 88, 23, 9], b = [1, 33, 4];
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var fullA = model.Forward(tensor(a).unsqueeze(0))[0];
        var fullB = model.Forward(tensor(b).unsqueeze(0))[0];
        // Prompts: a[..4] and b[..1] left-padded to 4; then 3 steps feeding the true next tokens.
        var ids = tensor(new long[,] { { a[0], a[1], a[2], a[3] }, { 0, 0, 0, b[0] } });
        var keep = tensor(new long[,] { { 1, 1, 1, 1 }, { 0, 0, 0, 1 } });
        using var cache = new KvCache(2);
        var logits = model.Forward(ids, keep, cache: cache);
        Assert.True(Fixtures.MaxAbsDiff(logits[0, 3], fullA[3]) < 1e-4);
        Assert.True(Fixtures.MaxAbsDiff(logits[1, 3], fullB[0]) < 1e-4);
        for (int s = 1; s <= 2; s++)
        {
            keep = cat([keep, ones(2, 1, ScalarType.Int64)], 1);
            var step = model.Forward(tensor(new long[,] { { a[3 + s] }, { b[s] } }), keep, cache: cache);
            Assert.True(Fixtures.MaxAbsDiff(step[0, 0], fullA[3 + s]) < 1e-4, $"row a step {s}");
            Assert.True(Fixtures.MaxAbsDiff(step[1, 0], fullB[s]) < 1e-4, $"row b step {s}");
        }
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void ChangingATokenNeverChangesEarlierLogits(string family)
    {
        using var model = CausalLM.Load(Fixtures.Model(family));
        var ids = Fixtures.Expected(family)[1].Ids;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var before = model.Forward(tensor(ids).unsqueeze(0))[0];
        for (int j = 1; j < ids.Length; j += 3)
        {
            var changed = (long[])ids.Clone();
            changed[j] = (changed[j] + 7) % model.Config.VocabSize;
            var after = model.Forward(tensor(changed).unsqueeze(0))[0];
            // Bit for bit, except where a mixture's expert runs on another set of tokens (the matmul over more or fewer
            // rows may sum in another order): there within fp32 rounding of logits of order 10.
            double tolerance = model.Config.ExpertCount > 0 ? 1e-5 : 0.0;
            Assert.InRange(Fixtures.MaxAbsDiff(before.narrow(0, 0, j), after.narrow(0, 0, j)), 0.0, tolerance);
            Assert.True(Fixtures.MaxAbsDiff(before[j], after[j]) > 1e-3, $"{family}: logits at {j} ignore the token at {j}");
        }
    }

    [Fact]
    public void HundredForwardPassesLeaveNoLiveTensors()
    {
        using var model = CausalLM.Load(Fixtures.Model("gemma"));
        var ids = tensor(Fixtures.Expected("gemma")[0].Ids).unsqueeze(0);
        using var noGrad = no_grad();
        using (var warm = NewDisposeScope())
        {
            model.Forward(ids);
        }

        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 100; i++)
        {
            using var scope = NewDisposeScope();
            using var cache = new KvCache(model.Config.NumHiddenLayers);
            model.Forward(ids, cache: cache);
            model.Forward(ids.narrow(1, 0, 1), cache: cache, lastOnly: true);
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
