using Shear.Numerics.Evaluation;
using Shear.Numerics.Models;
using static TorchSharp.torch;

namespace Shear.Numerics.Tests.Evaluation;

public sealed class PerplexityTests
{
    [Fact]
    public void EqualsTheReferenceFormulaComputedWindowByWindow()
    {
        using var model = CausalLM.Load(Fixtures.Model("llama"));
        manual_seed(3);
        var tokens = randint(0, model.Config.VocabSize, [53]).data<long>().Select(t => (int)t).ToList();
        // 53 // 16 = 3 windows; the last 5 tokens are dropped, as eval_ppl drops them.
        double sum = 0;
        var windowLosses = new List<double>();
        using (var noGrad = no_grad())
        {
            for (int w = 0; w < 3; w++)
            {
                using var scope = NewDisposeScope();
                var ids = tensor(tokens.Skip(w * 16).Take(16).Select(t => (long)t).ToArray()).unsqueeze(0);
                var logits = model.Forward(ids)[0];
                double loss = 0;
                for (int t = 0; t < 15; t++)
                {
                    var logp = logits[t].log_softmax(0);
                    loss -= logp[tokens[(w * 16) + t + 1]].item<float>();
                }

                sum += loss / 15 * 16;
                windowLosses.Add(loss / 15);
            }
        }

        // Compare mean NLLs (ln of the perplexities). Each token's NLL is an fp32 log-softmax of fp32 logits, so batched
        // and window-by-window runs (and AVX2 vs AVX-512 kernels) differ by a few ulps of the NLL itself; 16 ulps of
        // the mean NLL is ~100 times what they differ by here, and dropping or misaligning one token of the 45 moves
        // the mean by ~1e-1.
        double expected = sum / (3 * 16);
        var measured = Perplexity.Measure(model, tokens, 16, batch: 2);
        Fp32.AssertClose(expected, Math.Log(measured.Value), scale: expected, ulps: 16);

        // Its standard error by hand: the sample standard deviation of the 3 window losses over sqrt(3), carried
        // through exp by the delta method. The losses differ by ~1e-1 and each is good to a few fp32 ulps (~1e-6), so
        // 1e-4 relative is ~100 times the rounding.
        double mean = windowLosses.Average();
        double sd = Math.Sqrt(windowLosses.Sum(l => (l - mean) * (l - mean)) / 2);
        double expectedSe = Math.Exp(mean) * sd / Math.Sqrt(3);
        Assert.InRange(measured.StdErr!.Value, expectedSe * (1 - 1e-4), expectedSe * (1 + 1e-4));
    }

    [Fact]
    public void AModelThatIgnoresItsInputScoresTheVocabularySize()
    {
        // Zero every weight: logits are all equal, so each prediction costs ln(V) and the perplexity is exactly V.
        using var model = CausalLM.Load(Fixtures.Model("qwen2"));
        using (var noGrad = no_grad())
        {
            foreach (var p in model.parameters())
            {
                p.zero_();
            }
        }

        double ppl = Perplexity.Evaluate(model, Enumerable.Range(0, 40).ToList(), 8);
        Assert.Equal(model.Config.VocabSize, ppl, 2);
    }

    [Fact]
    public void FewerTokensThanOneWindowIsAnError()
    {
        using var model = CausalLM.Load(Fixtures.Model("llama"));
        var e = Assert.Throws<ArgumentException>(() => Perplexity.Evaluate(model, [1, 2, 3], 16));
        Assert.Equal("perplexity needs at least seqlen 16 tokens, got 3", e.Message);
    }
}
