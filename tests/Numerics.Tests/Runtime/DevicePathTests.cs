using Shear.Numerics.Evaluation;
using Shear.Numerics.Experiment;
using Shear.Numerics.Generation;
using Shear.Numerics.Models;
using Shear.Numerics.Pruning;
using Shear.Numerics.Pruning.Loop;
using Shear.Numerics.Runtime;
using Shear.Numerics.Tokenization;
using static TorchSharp.torch;

namespace Shear.Numerics.Tests.Runtime;

/// <summary>
/// A whole prune, a perplexity evaluation, multiple-choice scoring and a generation with the device and dtype as parameters: every parameter,
/// every module output of every forward, every shard's statistics and hidden states are asserted on them (the CPU
/// machines have cpu only; the same tests take cuda:N where there is one). Host reads are checked by HostReadTests.
/// </summary>
public sealed class DevicePathTests
{
    private static readonly List<int[]> Samples = [[406, 17, 42, 5, 88, 23, 9, 301], [406, 60, 61, 62, 3, 77], [406, 5, 6], [406, 9, 8, 7, 6]];

    public static TheoryData<string, string> Devices => new()
    {
        { "cpu", "fp32" },
        { "cpu", "bf16" },
    };

    /// <summary>Fails naming <paramref name="what"/> unless <paramref name="t"/> is on <paramref name="device"/> in <paramref name="dtype"/>.</summary>
    internal static void AssertOn(Tensor t, string device, ScalarType dtype, string what)
    {
        Assert.True(t.device.ToString() == device, $"{what} is on {t.device}, not {device}");
        Assert.True(t.dtype == dtype, $"{what} is {t.dtype}, not {dtype}");
    }

    // Every Module<Tensor, Tensor> of the model (Linears, norms, MLPs) checks its output on each call; returns the count of calls seen.
    private static Func<int> CheckOutputs(nn.Module model, string device, ScalarType dtype)
    {
        int calls = 0;
        foreach (var (name, module) in model.named_modules())
        {
            if (module is nn.Module<Tensor, Tensor> m && name.Length > 0)
            {
                m.register_forward_hook((_, _, output) =>
                {
                    AssertOn(output, device, dtype, $"{name}'s output");
                    calls++;
                    return output;
                });
            }
        }

        return () => calls;
    }

    // The fixture model loaded on the device in the dtype, its parameters checked and its module outputs checked from now on.
    private static (CausalLM Model, Func<int> Calls, string Folder) Load(string device, string dtype)
    {
        var options = new ModelOptions(ModelOptions.ScalarTypeOf(ComputeDTypes.Parse(dtype)), DeviceName: device);
        var folder = Fixtures.Model("llama");
        var model = CausalLM.Load(folder, options);
        AssertParameters(model, device, options.DType);
        return (model, CheckOutputs(model, device, options.DType), folder);
    }

    private static void AssertParameters(nn.Module model, string device, ScalarType dtype)
    {
        foreach (var (name, p) in model.named_parameters())
        {
            AssertOn(p, device, dtype, name);
        }
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public async Task APruneKeepsEveryLayerStepOnItsDevice(string device, string dtype)
    {
        var options = new ModelOptions(ModelOptions.ScalarTypeOf(ComputeDTypes.Parse(dtype)), DeviceName: device);
        var model = Fixtures.Model("llama");
        var spec = new PruneSpec(PruningMethod.SparseGpt, SparsityPattern.Unstructured(0.5)) { TokenBudget = 12 };
        using var output = PrunedModelWriter.Create(model, Path.Combine(Fixtures.TempDir(), "out"), false);
        var shards = Enumerable.Range(0, 2)
            .Select(s => new CheckedShard(LayerShard.Start(new ShardSetup(model, output.Staging, spec, Samples, options, s, 2, 0)), device, options.DType))
            .ToList();
        var reports = await LayerLoop.RunAsync(model, spec, options, output, shards, InlineCompute.Instance, cancellationToken: TestContext.Current.CancellationToken);
        shards.ForEach(s => s.Dispose());

        int layers = ModelConfigLoader.Load(model).NumHiddenLayers;
        Assert.Equal(layers, reports.Count);
        Assert.All(shards, s => Assert.Equal(layers, s.Observed));
        Assert.All(shards, s => Assert.Equal(layers - 1, s.Forwarded)); // the last layer's outputs feed nothing
        Assert.All(reports, r => Assert.InRange(r.Sparsity, 0.49, 0.51));
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void PerplexityRunsOnItsDevice(string device, string dtype)
    {
        var (model, calls, _) = Load(device, dtype);
        using var disposeModel = model;
        var tokens = Enumerable.Range(0, 40).Select(i => 300 + (i * 7 % 50)).ToList();
        var measured = Perplexity.Measure(model, tokens, 16, batch: 2);
        Assert.True(calls() > 0, "no module ran");
        Assert.True(double.IsFinite(measured.Value) && measured.Value > 1, $"perplexity {measured.Value}");
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void ScoringChoicesRunsOnItsDevice(string device, string dtype)
    {
        var (model, calls, folder) = Load(device, dtype);
        using var disposeModel = model;
        var scorer = new Shear.Numerics.Evaluation.Choice.LogLikelihood(model, TokenizerLoader.Load(Path.Combine(folder, "tokenizer.json")), batchSize: 2);
        var scores = scorer.Score([("The sky is", " blue"), ("Two and two make", " four"), ("Paris is in", " France")]);
        Assert.Equal(3, scores.Count);
        Assert.All(scores, s => Assert.True(s.LogLikelihood < 0 && double.IsFinite(s.LogLikelihood), $"log-likelihood {s.LogLikelihood}"));
        Assert.True(calls() > 0, "no module ran");
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void GenerationRunsOnItsDevice(string device, string dtype)
    {
        var (model, calls, folder) = Load(device, dtype);
        using var disposeModel = model;
        var generator = new TextGenerator(model, TokenizerLoader.Load(Path.Combine(folder, "tokenizer.json")));
        var greedy = generator.Generate(["The quick brown", "def add(a, b):"], new GenerationOptions { MaxNewTokens = 5 });
        var sampled = generator.Generate(["Où est"], new GenerationOptions { MaxNewTokens = 5, Temperature = 0.8, TopK = 20, TopP = 0.9, Seed = 3 });
        Assert.All(greedy.Concat(sampled), g => Assert.NotEmpty(g.Tokens));
        Assert.True(calls() > 0, "no module ran");
    }

    /// <summary>A layer shard whose statistics and hidden states are checked after every step.</summary>
    private sealed class CheckedShard(LayerShard shard, string device, ScalarType dtype) : ILayerShard, IDisposable
    {
        public int Observed { get; private set; }

        public int Forwarded { get; private set; }

        public Task<LayerStatistics> ObserveAsync(int layer, CancellationToken cancellationToken)
        {
            var statistics = shard.Observe(layer);
            foreach (var (name, s) in statistics.Linears)
            {
                using var h = s.Hessian();
                AssertOn(h, device, ScalarType.Float32, $"layer {layer} {name}'s Hessian");
            }

            AssertHidden($"before layer {layer}");
            Observed++;
            return Task.FromResult(statistics);
        }

        public Task<LayerMasks> MasksAsync(int layer, LayerStatistics statistics, IReadOnlyList<string> linears, SparsityPattern pattern, CancellationToken cancellationToken)
        {
            var masks = shard.Masks(layer, statistics, linears, pattern);
            foreach (var (name, mask) in masks.Masks)
            {
                AssertOn(mask, device, ScalarType.Bool, $"layer {layer} {name}'s mask computed on its shard");
            }

            return Task.FromResult(masks);
        }

        public Task ForwardAsync(int layer, CancellationToken cancellationToken)
        {
            shard.Forward(layer);
            AssertHidden($"after layer {layer}");
            Forwarded++;
            return Task.CompletedTask;
        }

        private void AssertHidden(string when)
        {
            foreach (var t in shard.HiddenStates)
            {
                AssertOn(t, device, dtype, $"hidden states {when}");
            }
        }

        public void Dispose() => shard.Dispose();
    }
}
