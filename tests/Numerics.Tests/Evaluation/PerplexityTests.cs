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
            }
        }

        double expected = Math.Exp(sum / (3 * 16));
        Assert.Equal(expected, Perplexity.Evaluate(model, tokens, 16, batch: 2), 4);
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
