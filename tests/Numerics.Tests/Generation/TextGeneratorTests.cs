using Shear.Numerics.Generation;
using Shear.Numerics.Models;
using Shear.Numerics.Tokenization;
using static TorchSharp.torch;

namespace Shear.Numerics.Tests.Generation;

public sealed class TextGeneratorTests : IDisposable
{
    private static readonly string[] Prompts = ["The quick brown", "def add(a, b):\n    return", "Où est", "48 / 2 = 24 clips. ####"];
    private readonly Tokenizer _tokenizer;
    private readonly CausalLM _model;
    private readonly TextGenerator _generator;

    public TextGeneratorTests()
    {
        _tokenizer = TokenizerLoader.Load(Path.Combine(Fixtures.Root, "tokenizers", "llama3-bytelevel.json"));
        var config = ModelConfigLoader.Parse("test", $$"""
            {"model_type":"llama","hidden_size":48,"intermediate_size":96,"num_hidden_layers":2,"num_attention_heads":4,
             "num_key_value_heads":2,"vocab_size":{{_tokenizer.VocabSize}},"rope_theta":10000.0}
            """);
        _model = new CausalLM(config);
        _model.Freeze();
        // Weights from a generator of the test's own: torch's global one is seeded and drawn from by other test classes
        // running in parallel, which made this model (and whether its greedy text is long enough to cut) vary from run
        // to run. Matrices uniform in +-1/sqrt(columns) (nn.Linear's scale), norms at 1.
        using var generator = new Generator(7);
        using (no_grad())
        {
            foreach (var p in _model.parameters())
            {
                using var scope = NewDisposeScope();
                p.copy_(p.dim() == 1 ? ones_like(p) : (rand(p.shape, generator: generator) * 2 - 1) / Math.Sqrt(p.shape[1]));
            }
        }
        _generator = new TextGenerator(_model, _tokenizer);
    }

    public void Dispose() => _model.Dispose();

    [Fact]
    public void GreedyBatchEqualsEachPromptAlone()
    {
        var options = new GenerationOptions { MaxNewTokens = 12 };
        var batch = _generator.Generate(Prompts, options);
        for (int i = 0; i < Prompts.Length; i++)
        {
            var alone = _generator.Generate([Prompts[i]], options)[0];
            Assert.Equal(alone.Tokens, batch[i].Tokens);
            Assert.Equal(alone.Text, batch[i].Text);
            Assert.Equal(FinishReason.Length, batch[i].Reason);
            Assert.Equal(12, batch[i].Tokens.Length);
        }
    }

    [Fact]
    public void GreedyWithCacheEqualsArgmaxOfFullRecomputation()
    {
        var result = _generator.Generate([Prompts[1]], new GenerationOptions { MaxNewTokens = 8 })[0];
        var ids = _tokenizer.Encode(Prompts[1]).Select(x => (long)x).ToList();
        using var noGrad = no_grad();
        for (int step = 0; step < 8; step++)
        {
            using var scope = NewDisposeScope();
            var logits = _model.Forward(tensor(ids.ToArray()).unsqueeze(0));
            ids.Add(logits[0, -1].argmax().item<long>());
        }

        Assert.Equal(ids.Skip(ids.Count - 8).Select(x => (int)x), result.Tokens);
    }

    [Fact]
    public void SeededSamplingIsReproducibleAndIndependentOfTheBatch()
    {
        var options = new GenerationOptions { MaxNewTokens = 10, Temperature = 1.0, TopP = 0.9, Seed = 100 };
        var first = _generator.Generate(Prompts, options);
        var second = _generator.Generate(Prompts, options);
        Assert.Equal(first.Select(r => r.Tokens), second.Select(r => r.Tokens));
        // Row 2 of the batch samples with seed 100 + 2; alone, the same prompt with seed 102 must match it.
        var alone = _generator.Generate([Prompts[2]], options with { Seed = 102 })[0];
        Assert.Equal(first[2].Tokens, alone.Tokens);
        var other = _generator.Generate(Prompts, options with { Seed = 5 });
        Assert.NotEqual(first.SelectMany(r => r.Tokens), other.SelectMany(r => r.Tokens));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void RepeatedSamplesSplitIntoCallsAreTheSamplesOfOneCall(int rowsPerCall)
    {
        var options = new GenerationOptions { MaxNewTokens = 8, Temperature = 0.8, TopK = 20, Seed = 40 };
        var whole = _generator.Generate(Enumerable.Repeat(Prompts[1], 5).ToList(), options);
        var split = _generator.GenerateRepeated(Prompts[1], 5, options, rowsPerCall);
        Assert.Equal(whole.Select(r => r.Tokens), split.Select(r => r.Tokens));
        Assert.True(whole.Select(r => string.Join(",", r.Tokens)).Distinct().Count() > 1, "the samples should differ from row to row");
    }

    [Fact]
    public void TopKOfOneSamplesTheGreedyToken()
    {
        var greedy = _generator.Generate(Prompts, new GenerationOptions { MaxNewTokens = 6 });
        var topK = _generator.Generate(Prompts, new GenerationOptions { MaxNewTokens = 6, Temperature = 0.7, TopK = 1, Seed = 3 });
        Assert.Equal(greedy.Select(r => r.Tokens), topK.Select(r => r.Tokens));
    }

    [Fact]
    public void StopStringCutsTheTextAndEndsTheRow()
    {
        var free = _generator.Generate([Prompts[0]], new GenerationOptions { MaxNewTokens = 20 })[0];
        Assert.True(free.Text.Length >= 6, $"need some text to cut, got '{free.Text}'");
        var stop = free.Text.Substring(3, 2);
        int expectedCut = free.Text.IndexOf(stop, StringComparison.Ordinal);
        var stopped = _generator.Generate([Prompts[0]], new GenerationOptions { MaxNewTokens = 20, StopStrings = [stop] })[0];
        Assert.Equal(FinishReason.StopString, stopped.Reason);
        Assert.Equal(free.Text[..expectedCut], stopped.Text);
        Assert.Equal(free.Tokens[..stopped.Tokens.Length], stopped.Tokens);
        Assert.True(stopped.Tokens.Length < free.Tokens.Length);
    }

    [Fact]
    public void EosTokenEndsTheRowWithoutBeingIncluded()
    {
        var free = _generator.Generate([Prompts[3]], new GenerationOptions { MaxNewTokens = 10 })[0];
        int eos = free.Tokens[4];
        int firstAt = Array.IndexOf(free.Tokens, eos);
        var ended = _generator.Generate([Prompts[3]], new GenerationOptions { MaxNewTokens = 10, EosTokenIds = [eos] })[0];
        Assert.Equal(FinishReason.Eos, ended.Reason);
        Assert.Equal(free.Tokens[..firstAt], ended.Tokens);
    }

    [Fact]
    public void TopPAndTopKKeepOnlyTheHandComputedTokens()
    {
        // probs 0.5, 0.3, 0.15, 0.05. top_p 0.7: ascending cumsum 0.05, 0.20, 0.50, 1.0; drop <= 0.3 -> keep {0, 1}.
        using var logits = tensor(new[] { 0.5f, 0.3f, 0.15f, 0.05f }).log();
        using var gen = new Generator(11);
        var seenP = Enumerable.Range(0, 300).Select(_ => TokenSampler.Next(logits, new GenerationOptions { Temperature = 1, TopP = 0.7 }, gen)).ToHashSet();
        Assert.Equal(new HashSet<int> { 0, 1 }, seenP);
        var seenK = Enumerable.Range(0, 300).Select(_ => TokenSampler.Next(logits, new GenerationOptions { Temperature = 1, TopK = 3 }, gen)).ToHashSet();
        Assert.Equal(new HashSet<int> { 0, 1, 2 }, seenK);
        var seenAll = Enumerable.Range(0, 600).Select(_ => TokenSampler.Next(logits, new GenerationOptions { Temperature = 1 }, gen)).ToHashSet();
        Assert.Equal(new HashSet<int> { 0, 1, 2, 3 }, seenAll);
    }

    [Fact]
    public void RepetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOfSeenIdsOnly()
    {
        // HF: score = gather(logits, ids); where(score < 0, score * 1.2, score / 1.2); scatter back. Ids 0, 1, 3 are seen
        // (1 twice, which counts once): 2 / 1.2 = 1.6667, -1 * 1.2 = -1.2, -3 * 1.2 = -3.6; ids 2 and 4 keep theirs.
        using var logits = tensor(new[] { 2.0f, -1.0f, 0.5f, -3.0f, 1.2f });
        using var penalized = TokenSampler.Penalize(logits, [0, 1, 1, 3], 1.2);
        var expected = new[] { 2.0f / 1.2f, -1.2f, 0.5f, -3.6f, 1.2f };
        var actual = penalized.data<float>().ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-6f);
        }

        Assert.Equal(new[] { 2.0f, -1.0f, 0.5f, -3.0f, 1.2f }, logits.data<float>().ToArray()); // the input is left as it was
    }

    [Fact]
    public void RepetitionPenaltyComesBeforeTheChoiceAndOneTurnsItOff()
    {
        // 2.0 / 1.2 = 1.667 < 1.8: the seen id 0 loses its lead under greedy decoding.
        using var logits = tensor(new[] { 2.0f, 1.8f, -1.0f });
        var penalty = new GenerationOptions { RepetitionPenalty = 1.2 };
        Assert.Equal(1, TokenSampler.Next(logits, penalty, null, [0]));
        Assert.Equal(0, TokenSampler.Next(logits, penalty, null, [2]));
        Assert.Equal(0, TokenSampler.Next(logits, new GenerationOptions(), null, [0]));
        Assert.Throws<ArgumentException>(() => new GenerationOptions { RepetitionPenalty = 0 }.Validate());
    }
}
