using Shear.Bench;
using Shear.Numerics.Runtime;

// Before any torch call: the huge-page allocator setting must reach libtorch when it starts.
TorchRuntime.EnsureInitialized();

return args.FirstOrDefault() switch
{
    "forward" => ForwardBench.Run(),
    "prune" => PruneBench.Run(args.ElementAtOrDefault(1), Int(2, 32), Int(3, 512), Int(4, 1)),
    "shards" => await ShardBench.Run(args.ElementAtOrDefault(1) ?? "models/shear-tiny", Int(2, 2), (args.ElementAtOrDefault(3) ?? "1,2").Split(',').Select(int.Parse).ToList(),
        Int(4, 32), Int(5, 256), Int(6, 2048), args.ElementAtOrDefault(7) ?? "wanda"),
    "sandbox" => SandboxBench.Run(args.ElementAtOrDefault(1) ?? "data/builtin"),
    "write-random" => WriteRandom(args.ElementAtOrDefault(1) ?? throw new ArgumentException("write-random DIR CONFIG_JSON [bf16|fp32]"), args.ElementAtOrDefault(2) ?? RandomCheckpoint.Llama7B, args.ElementAtOrDefault(3) ?? "bf16"),
    "write-7b" => WriteShape("llama-7b", args.ElementAtOrDefault(1) ?? "/tmp/llama7b-random", Int(2, 32)),
    "write" => WriteShape(args.ElementAtOrDefault(1) ?? throw new ArgumentException("write SHAPE DIR [LAYERS]"), args.ElementAtOrDefault(2) ?? throw new ArgumentException("write SHAPE DIR [LAYERS]"), args.Length > 3 ? Int(3, 0) : null),
    "domains" => DomainBench.Run(args.ElementAtOrDefault(1) ?? "models/shear-tiny", args.ElementAtOrDefault(2) ?? "data/builtin"),
    "eval" => EvalBench.Run(args.ElementAtOrDefault(1) ?? "models/shear-tiny", args.ElementAtOrDefault(2) ?? "data/builtin"),
    "jaccard" => JaccardBench.Run(),
    "dataplane" => await DataPlaneBench.Run(),
    "two-silos" => await TwoSiloBench.Run(args.ElementAtOrDefault(1) ?? "models/shear-tiny", args.ElementAtOrDefault(2) ?? "data"),
    "cluster" => await ClusterBench.Run(args.ElementAtOrDefault(1) ?? "models/shear-tiny", args.ElementAtOrDefault(2) ?? "data"),
    "load-masks" => MaskedLoadBench.Run(args.ElementAtOrDefault(1) ?? throw new ArgumentException("load-masks SUBMODEL [REPEATS]"), Int(2, 3)),
    "gpu-layer" => GpuCheckBench.Layer(args),
    "logits" => GpuCheckBench.Logits(args),
    "load" => LoadBench.Run(args.Length > 1 ? long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 500),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench/Bench -- forward | load [MB] | load-masks SUBMODEL [REPEATS] | prune [MODEL NSAMPLES SEQLEN SHARDS] | write-7b [DIR] [LAYERS] | write llama-7b|qwen3-8b|qwen3-30b-a3b DIR [LAYERS] | write-random DIR CONFIG_JSON [bf16|fp32] | sandbox [DATA] | shards [MODEL SILOS R1,R2 NSAMPLES SEQLEN TOKENBUDGET METHOD] | domains [MODEL] [DATA] | eval [MODEL] [DATA] | gpu-layer MODEL OUTDIR DEVICE DTYPE NSAMPLES SEQLEN PATTERNS REPEATS | logits DEVICE DTYPE MODEL IDS OUT [...] | jaccard | cluster [MODEL] [DATA] | dataplane | two-silos [MODEL] [DATA]");
    return 2;
}

int Int(int i, int fallback) => args.Length > i ? int.Parse(args[i], System.Globalization.CultureInfo.InvariantCulture) : fallback;

// A real model's shape, random bf16 weights (all its layers, or the first LAYERS).
static int WriteShape(string shape, string dir, int? layers)
{
    RandomCheckpoint.Write(dir, RandomCheckpoint.Shape(shape, layers), TorchSharp.torch.ScalarType.BFloat16);
    return 0;
}


// A random checkpoint of any Llama-family config (bench/gpu: a 7B-shaped layer, or a small one on CPU).
static int WriteRandom(string dir, string configJson, string dtype)
{
    RandomCheckpoint.Write(dir, configJson, dtype == "fp32" ? TorchSharp.torch.ScalarType.Float32 : TorchSharp.torch.ScalarType.BFloat16);
    return 0;
}
