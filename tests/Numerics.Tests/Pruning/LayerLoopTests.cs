using Shear.Numerics.Checkpoints;
using Shear.Numerics.Experiment;
using Shear.Numerics.Models;
using Shear.Numerics.Pruning;
using Shear.Numerics.Pruning.Loop;
using Shear.Numerics.Runtime;
using static TorchSharp.torch;

namespace Shear.Numerics.Tests.Pruning;

public sealed class LayerLoopTests
{
    private static SafetensorsFile Golden(string method = "wanda", string family = "llama") => SafetensorsFile.Open(Path.Combine(Fixtures.Root, "pruning", $"{method}_{family}.safetensors"));

    private static List<int[]> GoldenSamples(SafetensorsFile golden)
    {
        var samples = new List<int[]>();
        for (int i = 0; golden.Contains($"sample.{i}"); i++)
        {
            using var t = golden.Read($"sample.{i}");
            samples.Add(t.data<long>().Select(x => (int)x).ToArray());
        }

        return samples;
    }

    /// <summary>Runs the layer loop over given samples with <paramref name="shards"/> in-process shards; the masks by full Linear name.</summary>
    internal static Dictionary<string, Tensor> Prune(PruneSpec spec, IReadOnlyList<int[]> samples, string family = "llama", int shards = 1) =>
        Prune(spec, samples, family, shards, out _);

    /// <summary>As above; with OWL first its pass over the dense model (its own shards, forwards read from the base), <paramref name="used"/> the spec with its layer sparsities.</summary>
    internal static Dictionary<string, Tensor> Prune(PruneSpec spec, IReadOnlyList<int[]> samples, string family, int shards, out PruneSpec used) =>
        Prune(spec, samples, family, shards, out used, out _);

    /// <summary>As above, with the layers' reports.</summary>
    internal static Dictionary<string, Tensor> Prune(PruneSpec spec, IReadOnlyList<int[]> samples, string family, int shards, out PruneSpec used, out IReadOnlyList<LayerReport> reports)
    {
        var model = Fixtures.Model(family);
        if (spec.Owl is not null)
        {
            var dense = Enumerable.Range(0, shards)
                .Select(s => InProcessShard.StartAsync(ShardSetup.Dense(model, spec, samples, ModelOptions.Default, s, shards, 0), InlineCompute.Instance).GetAwaiter().GetResult())
                .ToList();
            spec = LayerLoop.OwlAsync(model, spec, ModelOptions.Default, dense, InlineCompute.Instance, cancellationToken: TestContext.Current.CancellationToken).GetAwaiter().GetResult();
            dense.ForEach(s => s.Dispose());
        }

        used = spec;
        using var output = PrunedModelWriter.Create(model, Path.Combine(Fixtures.TempDir(), "out"), false);
        var started = Enumerable.Range(0, shards)
            .Select(s => InProcessShard.StartAsync(new ShardSetup(model, output.Staging, spec, samples, ModelOptions.Default, s, shards, 0), InlineCompute.Instance).GetAwaiter().GetResult())
            .ToList();
        bool calibrate = MethodStatistics.Needs(spec.Method) != StatisticsKind.None;
        reports = LayerLoop.RunAsync(model, spec, ModelOptions.Default, output, calibrate ? started : [], InlineCompute.Instance, cancellationToken: TestContext.Current.CancellationToken).GetAwaiter().GetResult();
        started.ForEach(s => s.Dispose());
        return Directory.GetFiles(Path.Combine(output.Staging, PrunedModelWriter.MaskFolder))
            .ToDictionary(f => Path.GetFileName(f)[..^".mask.safetensors".Length], f => MaskFile.Read(f).DetachFromDisposeScope());
    }

    [Theory]
    [InlineData("unstructured", 0, 0, 16384)]
    [InlineData("unstructured", 0, 0, 12)]
    [InlineData("nm24", 2, 4, 16384)]
    public void BatchedLoopReproducesTheReferenceSequentialWanda(string tag, int n, int m, int tokenBudget) =>
        AssertReproducesTheReference(PruningMethod.Wanda, "wanda", tag, n, m, tokenBudget);

    /// <summary>
    /// Wanda on the newer families' fixtures against the same reference loop: qwen3 (q_norm/k_norm before RoPE, head_dim
    /// not hidden / heads), gemma2 (soft-capped scores, sliding window on even layers, sandwich norms), gemma3_text
    /// (Gemma RMSNorm q_norm/k_norm, local layers with their own rope base), phi3 (fused qkv_proj and gate_up_proj, each
    /// scored per output row as any Linear; partial rotary; longrope), gemma3 (the multimodal checkpoint's language model,
    /// under language_model.; its masks named so).
    /// </summary>
    [Theory]
    [InlineData("qwen3", "unstructured", 0, 0, 16384)]
    [InlineData("qwen3", "nm24", 2, 4, 12)]
    [InlineData("gemma2", "unstructured", 0, 0, 12)]
    [InlineData("gemma2", "nm24", 2, 4, 16384)]
    [InlineData("gemma3_text", "unstructured", 0, 0, 16384)]
    [InlineData("gemma3_text", "nm24", 2, 4, 12)]
    [InlineData("phi3", "unstructured", 0, 0, 12)]
    [InlineData("phi3", "nm24", 2, 4, 16384)]
    [InlineData("gemma3", "unstructured", 0, 0, 12)]
    [InlineData("gemma3", "nm24", 2, 4, 16384)]
    public void BatchedLoopReproducesTheReferenceWandaOnEachFamily(string family, string tag, int n, int m, int tokenBudget) =>
        AssertReproducesTheReference(PruningMethod.Wanda, "wanda", tag, n, m, tokenBudget, family: family);

    /// <summary>
    /// Wanda on the mixtures of experts against the reference loop (tests/reference/make_wanda_fixture.py): each expert's
    /// Linears scored with the statistics of the tokens routed to it, the router kept dense, and the experts no
    /// calibration token reaches (the fixture's <c>by_magnitude</c>: qwen3_moe's layer-0 expert 7, built unreachable, and
    /// others its routing leaves out) pruned by magnitude and named in their layer's report. One shard and two (the mask
    /// step split over the shards, the magnitude fallback travelling with the masks).
    /// </summary>
    [Theory]
    [InlineData("mixtral", "unstructured", 0, 0, 16384, 1)]
    [InlineData("mixtral", "nm24", 2, 4, 12, 2)]
    [InlineData("qwen3_moe", "unstructured", 0, 0, 12, 2)]
    [InlineData("qwen3_moe", "nm24", 2, 4, 16384, 1)]
    public void BatchedLoopReproducesTheReferenceWandaPerExpert(string family, string tag, int n, int m, int tokenBudget, int shards)
    {
        using var golden = Golden("wanda", family);
        var pattern = n == 0 ? SparsityPattern.Unstructured(0.5) : SparsityPattern.NofM(n, m);
        var masks = Prune(new PruneSpec(PruningMethod.Wanda, pattern) { TokenBudget = tokenBudget }, GoldenSamples(golden), family, shards, out _, out var reports);
        Assert.Equal(golden.Header.Tensors.Keys.Count(k => k.StartsWith($"{tag}.", StringComparison.Ordinal)), masks.Count);
        Assert.DoesNotContain(masks.Keys, k => k.EndsWith(".gate", StringComparison.Ordinal)); // the routers are not pruned
        var byMagnitude = reports.SelectMany(r => (r.ByMagnitude ?? []).Select(l => $"model.layers.{r.Index}.{l}")).Order(StringComparer.Ordinal).ToList();
        var expected = golden.Header.Metadata.TryGetValue("by_magnitude", out var list) ? list.Split(',').ToList() : [];
        Assert.Equal(expected, byMagnitude);
        Assert.Equal(family == "qwen3_moe", byMagnitude.Contains("model.layers.0.mlp.experts.7.gate_proj"));
        AssertEqualToGolden(golden, tag, masks, $"wanda on {family} (budget {tokenBudget}, {shards} shards)");
    }

    /// <summary>RIA against tests/reference/make_ria_fixture.py (its authors' prune_ria on Wanda's loop).</summary>
    [Theory]
    [InlineData("unstructured", 0, 0, 16384)]
    [InlineData("unstructured", 0, 0, 12)]
    [InlineData("nm24", 2, 4, 16384)]
    public void BatchedLoopReproducesTheReferenceRia(string tag, int n, int m, int tokenBudget) =>
        AssertReproducesTheReference(PruningMethod.Ria, "ria", tag, n, m, tokenBudget);

    /// <summary>
    /// DSnoT against tests/reference/make_dsnot_fixture.py (its authors' prune_DSnoT and WrappedGPT on Wanda's loop):
    /// "attention" = 8 cycles, threshold 0.1, mlp kept at Wanda's mask; "aggressive" = 6 cycles, threshold 0, every
    /// Linear refined (the fixture checks both change Wanda's masks); "sparsegpt" and "magnitude" refine those initial
    /// masks (SparseGPT's W^2 / diag(U)^2, |W|). Batches of 12 tokens hold one sample or two, so each sample's own mean
    /// and variance are taken inside a batch.
    /// </summary>
    [Theory]
    [InlineData("attention", "unstructured", 0, 0, 16384)]
    [InlineData("attention", "unstructured", 0, 0, 12)]
    [InlineData("attention", "nm24", 2, 4, 16384)]
    [InlineData("aggressive", "unstructured", 0, 0, 16384)]
    [InlineData("aggressive", "nm24", 2, 4, 12)]
    [InlineData("sparsegpt", "unstructured", 0, 0, 12)]
    [InlineData("sparsegpt", "nm24", 2, 4, 16384)]
    [InlineData("magnitude", "unstructured", 0, 0, 16384)]
    [InlineData("magnitude", "nm24", 2, 4, 12)]
    public void BatchedLoopReproducesTheReferenceDsnot(string setting, string tag, int n, int m, int tokenBudget)
    {
        var options = setting switch
        {
            "attention" => new DsnotOptions { MaxCycles = 8, UpdateThreshold = 0.1, SkipLayer = "mlp" },
            "aggressive" => new DsnotOptions { MaxCycles = 6, UpdateThreshold = 0, SkipLayer = "none" },
            "sparsegpt" => new DsnotOptions { MaxCycles = 6, UpdateThreshold = 0, SkipLayer = "none", Initial = "sparsegpt" },
            _ => new DsnotOptions { MaxCycles = 6, UpdateThreshold = 0, SkipLayer = "mlp", Initial = "magnitude" },
        };
        AssertReproducesTheReference(PruningMethod.Dsnot, "dsnot", $"{setting}.{tag}", n, m, tokenBudget, spec => spec with { Dsnot = options });

        // And the refinement did something: some layer-0 attention mask differs from Wanda's reference mask.
        using var dsnot = Golden("dsnot");
        using var wanda = Golden();
        Assert.Contains(new[] { "q_proj", "k_proj", "v_proj", "o_proj" }, p =>
        {
            using var a = dsnot.Read($"{setting}.{tag}.model.layers.0.self_attn.{p}");
            using var b = wanda.Read($"{tag}.model.layers.0.self_attn.{p}");
            return !a.equal(b).all().item<bool>();
        });
    }

    /// <summary>
    /// OWL with Wanda against tests/reference/make_owl_fixture.py (its authors' prune_wanda_outlier: outlier ratios on
    /// the dense model, numpy's layer sparsities, Wanda's loop at those sparsities; N:M unchanged): the outlier ratios
    /// and layer sparsities bit for bit, then the masks, for 1 and 2 shards.
    /// </summary>
    [Theory]
    [InlineData("unstructured", 0, 0, 1)]
    [InlineData("unstructured", 0, 0, 2)]
    [InlineData("nm24", 2, 4, 1)]
    public void OwlReproducesTheReferenceLayerSparsitiesAndMasks(string tag, int n, int m, int shards)
    {
        using var golden = Golden("owl");
        var pattern = n == 0 ? SparsityPattern.Unstructured(0.5) : SparsityPattern.NofM(n, m);
        var masks = Prune(new PruneSpec(PruningMethod.Wanda, pattern) { Owl = new OwlOptions(), TokenBudget = 12 }, GoldenSamples(golden), "llama", shards, out var used);
        using (var ratios = golden.Read("owl.outlier_ratios"))
        using (var sparsities = golden.Read("owl.sparsities"))
        {
            Assert.Equal(ratios.data<double>().ToArray(), used.OutlierRatios);
            Assert.Equal(sparsities.data<double>().ToArray(), used.LayerSparsities);
        }

        Assert.NotEqual(used.LayerSparsities![0], used.LayerSparsities[1]); // the two layers are pruned differently
        AssertEqualToGolden(golden, tag, masks, "owl");
    }

    /// <summary>OWL composes with every method: each layer's masks prune its own OWL sparsity (N:M keeps its pattern).</summary>
    [Theory]
    [InlineData(PruningMethod.Magnitude)]
    [InlineData(PruningMethod.Ria)]
    [InlineData(PruningMethod.SparseGpt)]
    [InlineData(PruningMethod.Dsnot)]
    public void OwlGivesEachLayerItsSparsityWithAnyMethod(PruningMethod method)
    {
        using var golden = Golden("owl");
        var masks = Prune(new PruneSpec(method, SparsityPattern.Unstructured(0.5)) { Owl = new OwlOptions() }, GoldenSamples(golden), "llama", 1, out var used);
        using var expected = golden.Read("owl.sparsities");
        Assert.Equal(expected.data<double>().ToArray(), used.LayerSparsities); // the ratios come from the dense model whatever the method
        for (int k = 0; k < 2; k++)
        {
            var layer = masks.Where(p => p.Key.StartsWith($"model.layers.{k}.", StringComparison.Ordinal)).Select(p => p.Value).ToList();
            double pruned = layer.Sum(t => t.sum().item<long>()) / (double)layer.Sum(t => t.numel());
            // Per row (SparseGPT's blocks, DSnoT's swaps) or per matrix (magnitude, RIA), int() truncation: within 1/64.
            Assert.InRange(pruned, used.LayerSparsities![k] - (1.0 / 64), used.LayerSparsities[k] + 0.001);
        }

        foreach (var t in masks.Values)
        {
            t.Dispose();
        }
    }

    [Fact]
    public void OwlLayerSparsitiesFollowNumpy()
    {
        // Outlier ratios 1, 2, 4 with s = 0.6, lambda = 0.08: scaled (r - 1) x (1 / 3 x 0.08 x 2) = 0, 0.0533, 0.16;
        // mean 0.0711; kept = scaled - mean + 0.4; sparsity = 1 - kept: 0.6711, 0.6178, 0.5111 (mean 0.6).
        var s = Owl.LayerSparsities([1, 2, 4], 0.6, 0.08);
        Assert.Equal(0.6, s.Average(), 12);
        Assert.Equal([0.671111111111, 0.617777777778, 0.511111111111], s.Select(x => Math.Round(x, 12)));
        Assert.Equal([0.6, 0.6], Owl.LayerSparsities([3, 3], 0.6, 0.08)); // equal ratios: the reference divides by zero; uniform
        // numpy's pairwise sum: 8 accumulators from 8 values on (and the rest added one by one).
        double[] values = [.. Enumerable.Range(0, 21).Select(i => 0.1 * i)];
        double r0 = 0, r1 = 0, r2 = 0, r3 = 0, r4 = 0, r5 = 0, r6 = 0, r7 = 0;
        for (int i = 0; i < 16; i += 8)
        {
            (r0, r1, r2, r3, r4, r5, r6, r7) = (r0 + values[i], r1 + values[i + 1], r2 + values[i + 2], r3 + values[i + 3], r4 + values[i + 4], r5 + values[i + 5], r6 + values[i + 6], r7 + values[i + 7]);
        }

        double expected = (((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))) + values[16] + values[17] + values[18] + values[19] + values[20];
        Assert.Equal(expected, Owl.NumpySum(values));
    }

    private static void AssertReproducesTheReference(PruningMethod method, string fixture, string tag, int n, int m, int tokenBudget, Func<PruneSpec, PruneSpec>? configure = null, string family = "llama")
    {
        using var golden = Golden(fixture, family);
        var pattern = n == 0 ? SparsityPattern.Unstructured(0.5) : SparsityPattern.NofM(n, m);
        var spec = new PruneSpec(method, pattern) { TokenBudget = tokenBudget };
        var masks = Prune(configure?.Invoke(spec) ?? spec, GoldenSamples(golden), family);
        Assert.Equal(golden.Header.Tensors.Keys.Count(k => k.StartsWith($"{tag}.", StringComparison.Ordinal)), masks.Count); // 2 layers x 7 Linears (phi3: 4, fused)
        AssertEqualToGolden(golden, tag, masks, $"{method} (budget {tokenBudget})");
    }

    // Every mask equals the reference's "{tag}.{name}" bit for bit; the masks are disposed.
    private static void AssertEqualToGolden(SafetensorsFile golden, string tag, Dictionary<string, Tensor> masks, string what)
    {
        foreach (var (name, mask) in masks)
        {
            using var expected = golden.Read($"{tag}.{name}");
            Assert.True(mask.equal(expected).all().item<bool>(), $"{what} {tag}/{name} differs from the reference");
            mask.Dispose();
        }
    }

    [Theory]
    [InlineData(PruningMethod.Wanda)]
    [InlineData(PruningMethod.WandaVariant)]
    [InlineData(PruningMethod.SparseGpt)]
    [InlineData(PruningMethod.Magnitude)]
    [InlineData(PruningMethod.Ria)]
    [InlineData(PruningMethod.Dsnot)]
    public void MasksAreBitIdenticalAcrossRunsAndBatchSizes(PruningMethod method)
    {
        using var golden = Golden();
        var samples = GoldenSamples(golden);
        var spec = new PruneSpec(method, SparsityPattern.Unstructured(0.5));
        var first = Prune(spec, samples, "qwen2");
        var again = Prune(spec, samples, "qwen2");
        var oneAtATime = Prune(spec with { TokenBudget = 1 }, samples, "qwen2");
        foreach (var (name, mask) in first)
        {
            Assert.True(mask.equal(again[name]).all().item<bool>(), $"{method} {name}: second run differs");
            Assert.True(mask.equal(oneAtATime[name]).all().item<bool>(), $"{method} {name}: batch size 1 differs");
        }
    }

    [Fact]
    public void LaterLayersCalibrateOnThePrunedOutputsOfEarlierOnes()
    {
        using var golden = Golden();
        var samples = GoldenSamples(golden);
        var spec = new PruneSpec(PruningMethod.Wanda, SparsityPattern.Unstructured(0.5));
        var sequential = Prune(spec, samples);
        // Statistics of layer 1 taken from the dense model must differ from the sequential ones.
        using var dense = CausalLM.Load(Fixtures.Model("llama"));
        using var rotary = new RotaryEmbedding(dense.Config);
        var plan = ActivationSet.Plan(samples.Select(s => s.Length).ToList(), spec.TokenBudget);
        using var set = ActivationSet.Embed(dense.Config, rotary, dense.Body.EmbeddingWeight, samples, plan, Enumerable.Range(0, plan.Count), dense.Options.Device);
        LayerPruner.Forward(dense.Layers[0], set);
        using var statistics = LayerPruner.Observe(dense.Layers[1], set, PruningMethod.Wanda);
        using var masks = LayerPruner.ComputeMasks(dense.Layers[1], statistics, spec);
        bool anyDifferent = masks.Masks.Any(p => !p.Value.equal(sequential[$"model.layers.1.{p.Key}"]).all().item<bool>());
        Assert.True(anyDifferent, "layer 1 masks from dense inputs equal the sequential ones: the loop is not feeding pruned outputs");
    }
}
