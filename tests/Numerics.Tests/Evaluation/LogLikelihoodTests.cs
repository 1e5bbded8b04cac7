using Shear.Numerics.Evaluation.Choice;
using Shear.Numerics.Models;
using Shear.Numerics.Tokenization;
using static TorchSharp.torch;

namespace Shear.Numerics.Tests.Evaluation;

public sealed class LogLikelihoodTests
{
    private static readonly (string, string)[] Requests =
    [
        ("The quick brown fox ", "jumps over the lazy dog"),
        ("Où est la gare ?", " C'est là-bas."),
        ("def add(a, b):\n    return", " a + b"),
        ("", "Hello world"),
    ];

    // lm-eval's _encode_pair by hand: the trailing space joins the continuation; cont = enc(ctx + cont)[len(enc(ctx)):].
    private static double Manual(CausalLM model, Tokenizer tok, string context, string continuation, out bool greedy)
    {
        if (context.EndsWith(' '))
        {
            (context, continuation) = (context[..^1], " " + continuation);
        }

        int[] ctx, cont;
        if (context.Length == 0)
        {
            (ctx, cont) = ([tok.EosTokenId!.Value], tok.Encode(continuation, addSpecialTokens: false));
        }
        else
        {
            ctx = tok.Encode(context, addSpecialTokens: false);
            cont = tok.Encode(context + continuation, addSpecialTokens: false)[ctx.Length..];
        }

        var all = ctx.Concat(cont).Select(x => (long)x).ToArray();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logp = model.Forward(tensor(all[..^1]).unsqueeze(0))[0].log_softmax(-1);
        double sum = 0;
        greedy = true;
        for (int i = 0; i < cont.Length; i++)
        {
            var row = logp[ctx.Length - 1 + i];
            sum += row[cont[i]].item<float>();
            greedy &= row.argmax().item<long>() == cont[i];
        }

        return sum;
    }

    [Fact]
    public void BatchedScoresEqualOneSequenceAtATime()
    {
        using var model = CausalLM.Load(Fixtures.Model("llama"));
        var tok = TokenizerLoader.Load(Fixtures.Model("llama"));
        var scores = new LogLikelihood(model, tok, batchSize: 3).Score(Requests);
        for (int i = 0; i < Requests.Length; i++)
        {
            double expected = Manual(model, tok, Requests[i].Item1, Requests[i].Item2, out bool greedy);
            // A sum of fp32 log-probabilities: batched (padded) and one-at-a-time runs differ by a few ulps per term.
            Fp32.AssertClose(expected, scores[i].LogLikelihood, scale: Math.Abs(expected), ulps: 64);
            Assert.Equal(greedy, scores[i].IsGreedy);
        }
    }

    [Fact]
    public void AccPicksTheHighestSumAndAccNormTheHighestPerCharacter()
    {
        using var model = CausalLM.Load(Fixtures.Model("qwen2"));
        var tok = TokenizerLoader.Load(Fixtures.Model("qwen2"));
        var items = new List<ChoiceItem>
        {
            ChoiceItem.Of("The sun is", ["hot", "a star that warms the earth", "cold"], 1),
            ChoiceItem.Of("Paris is in", ["France", "Spain"], 0),
        };
        var (acc, accNorm) = MultipleChoice.Evaluate(new LogLikelihood(model, tok), items);
        int right = 0, rightNorm = 0;
        foreach (var item in items)
        {
            var ll = item.Requests.Select(r => Manual(model, tok, r.Context, r.Continuation, out _)).ToList();
            right += ll.IndexOf(ll.Max()) == item.Gold ? 1 : 0;
            var norm = ll.Select((v, k) => v / item.NormLengths![k]).ToList();
            rightNorm += norm.IndexOf(norm.Max()) == item.Gold ? 1 : 0;
        }

        Assert.Equal(right / 2.0, acc);
        Assert.Equal(rightNorm / 2.0, accNorm);
    }
}
