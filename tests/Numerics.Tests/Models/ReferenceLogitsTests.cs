using Shear.Numerics.Models;
using static TorchSharp.torch;

namespace Shear.Numerics.Tests.Models;

public sealed class ReferenceLogitsTests
{
    public static TheoryData<string, AttentionKernel> Cases()
    {
        var data = new TheoryData<string, AttentionKernel>();
        foreach (var f in Fixtures.Families)
        {
            data.Add(f, AttentionKernel.Sdpa);
            data.Add(f, AttentionKernel.Eager);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LogitsMatchThePyTorchReferenceWithin1e4(string family, AttentionKernel kernel)
    {
        using var model = CausalLM.Load(Fixtures.Model(family), new ModelOptions(Kernel: kernel));
        foreach (var (ids, expected) in Fixtures.Expected(family))
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var logits = model.Forward(tensor(ids).unsqueeze(0));
            Assert.Equal(expected.shape, logits[0].shape);
            double diff = Fixtures.MaxAbsDiff(logits[0], expected);
            Assert.True(diff < 1e-4, $"{family}/{kernel}: max |diff| = {diff:E3} over {ids.Length} tokens");
            expected.Dispose();
        }
    }

    [Fact]
    public void LeftPaddedBatchGivesEachSequenceItsOwnLogits()
    {
        foreach (var family in Fixtures.Families)
        {
            using var model = CausalLM.Load(Fixtures.Model(family));
            var cases = Fixtures.Expected(family);
            if (model.Config.OriginalMaxPositionEmbeddings is { } original)
            {
                // longrope picks its table by the longest position in a forward, for the whole batch (as transformers
                // does): sequences batched together agree with their own forward only on the same side of the length.
                cases.Where(c => c.Ids.Length > original).ToList().ForEach(c => c.Logits.Dispose());
                cases = [.. cases.Where(c => c.Ids.Length <= original)];
            }

            int longest = cases.Max(c => c.Ids.Length);
            var ids = new long[cases.Count, longest];
            var keep = new long[cases.Count, longest];
            for (int b = 0; b < cases.Count; b++)
            {
                int pad = longest - cases[b].Ids.Length;
                for (int t = 0; t < cases[b].Ids.Length; t++)
                {
                    ids[b, pad + t] = cases[b].Ids[t];
                    keep[b, pad + t] = 1;
                }
            }

            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var logits = model.Forward(tensor(ids), tensor(keep));
            for (int b = 0; b < cases.Count; b++)
            {
                int len = cases[b].Ids.Length;
                var mine = logits[b].narrow(0, longest - len, len);
                double diff = Fixtures.MaxAbsDiff(mine, cases[b].Logits);
                Assert.True(diff < 1e-4, $"{family} sequence {b} padded by {longest - len}: max |diff| = {diff:E3}");
                cases[b].Logits.Dispose();
            }
        }
    }
}
