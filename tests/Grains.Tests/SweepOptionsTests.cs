using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Shear.Client.Commands;
using Shear.Client.Sweeps;
using Shear.Grains.Abstractions;
using Shear.Numerics.Experiment;

namespace Shear.Grains.Tests;

/// <summary>
/// One experiment vocabulary: every <c>shear prune</c> method option is a sweep-file key of the same name in snake_case,
/// and a sweep file's job reaches the grains (through Orleans' serializer) as the very spec <c>shear prune</c> builds
/// from the same flags.
/// </summary>
public sealed class SweepOptionsTests
{
    private static readonly Serializer Wire = new ServiceCollection().AddSerializer(b => b.AddAssembly(typeof(SweepSpec).Assembly))
        .BuildServiceProvider().GetRequiredService<Serializer>();

    private static T OverTheWire<T>(T value) => Wire.Deserialize<T>(Wire.SerializeToArray(value))!;

    // Every option away from its default, each with the flag and the sweep-file spelling of its value.
    private static readonly (string Flag, string Value)[] Given =
    [
        ("--ria-exponent", "1.0"), ("--dsnot-cycles", "20"), ("--dsnot-threshold", "0.2"), ("--dsnot-skip", "self_attn"), ("--dsnot-initial", "magnitude"),
        ("--owl-m", "7"), ("--owl-lambda", "0.1"), ("--sparsegpt-blocksize", "64"), ("--sparsegpt-damp", "0.05"),
    ];

    [Fact]
    public void EveryMethodOptionIsAPruneFlagAndASweepKey()
    {
        var prune = PruneCommand.Create(TextWriter.Null);
        Assert.Equal(MethodOptions.Flags.Order(StringComparer.Ordinal), Given.Select(g => g.Flag).Order(StringComparer.Ordinal));
        foreach (var flag in MethodOptions.Flags)
        {
            Assert.Contains(prune.Options, o => o.Name == flag);
            Assert.Contains(MethodOptions.KeyOf(flag), SweepFile.Keys);
        }

        Assert.Equal("owl_lambda", MethodOptions.KeyOf("--owl-lambda"));
        Assert.Equal("sparsegpt_blocksize", MethodOptions.KeyOf("--sparsegpt-blocksize"));
    }

    [Fact]
    public void ASweepFilesJobReachesTheGrainsAsThePruneCommandsSpec()
    {
        var dir = Paths.TempDir();
        var path = Path.Combine(dir, "sweep.yaml");
        File.WriteAllText(path, $"models: [{Paths.Model("llama")}]\ncalibrations: [builtin_math]\n"
            + "methods: [owl+ria, dsnot, sparsegpt, wanda]\npatterns: [unstructured, \"2:4\"]\nsparsity: [0.4, 0.6]\n"
            + string.Concat(Given.Select(g => $"{MethodOptions.KeyOf(g.Flag)}: {g.Value}\n")));
        var spec = OverTheWire(SweepFile.Read(path));
        Assert.Equal([0.4, 0.6], spec.Patterns.Where(p => !p.IsNofM).Select(p => p.Ratio));
        Assert.Equal(new MethodOptions
        {
            RiaExponent = 1.0, DsnotCycles = 20, DsnotThreshold = 0.2, DsnotSkip = "self_attn", DsnotInitial = "magnitude", OwlM = 7, OwlLambda = 0.1,
            SparseGptBlockSize = 64, SparseGptDamp = 0.05,
        }, spec.Options);

        var jobs = SweepPlan.Jobs("options", spec);
        Assert.Equal(4 * 3, jobs.Count); // per method: unstructured at 0.4 and 0.6, and 2:4
        Assert.Equal(["unstructured 0.4", "unstructured 0.6", "2:4"], jobs.Take(3).Select(j => j.Pattern.Label));
        Assert.Equal(jobs.Count, jobs.Select(j => j.Output).Distinct().Count());
        var flags = Given.SelectMany(g => new[] { g.Flag, g.Value }).ToArray();
        foreach (var job in jobs)
        {
            var request = JobSpecs.Request(OverTheWire(job));
            string[] args = ["prune", "--out", "x", "--method", job.Method.ToString(), "--pattern", job.Pattern.ToString(), .. job.Pattern.IsNofM ? [] : new[] { "--sparsity", $"{job.Pattern.Ratio}" }, .. flags];
            var cli = PruneCommand.SpecFrom(PruneCommand.Create(TextWriter.Null).Parse(args[1..]));
            Assert.Equal(JsonSerializer.Serialize(cli), JsonSerializer.Serialize(request.Spec));
        }

        // A field the grains dropped would show here: the spec differs from the defaults wherever the file said so.
        var ria = JobSpecs.Request(jobs[0]).Spec;
        Assert.Equal((PruningMethod.Ria, 1.0, 7.0, 0.1), (ria.Method, ria.RiaExponent, ria.Owl!.M, ria.Owl.Lambda));
        var sparsegpt = JobSpecs.Request(jobs[6]).Spec;
        Assert.Equal((PruningMethod.SparseGpt, 64, 0.05), (sparsegpt.Method, sparsegpt.SparseGptBlockSize, sparsegpt.PercDamp));
    }

    [Fact]
    public void EveryVocabularyValueCrossesTheWireAsItself()
    {
        var spec = new SweepSpec(["/m"], Vocab.Sets("gsm8k@main", "/data/mine.jsonl", "builtin_code", "generated", "generated:/data/mine.jsonl", "generated:builtin_code:0.5,builtin_math:0.5"), Vocab.Methods("owl+wanda", "sparsegpt"),
            [SparsityPattern.Unstructured(0.35), SparsityPattern.NofM(4, 8)], [EvalDomain.Csr, EvalDomain.Ppl], 8, 24, 3, new EvalSettings { DType = ComputeDType.Bf16 }, "/o", "/d")
        {
            Keep = KeepMode.Checkpoints, DType = ComputeDType.Fp16, Options = MethodOptions.Default with { OwlLambda = 0.2 },
        };
        var back = OverTheWire(spec);
        Assert.Equal(spec.Calibrations, back.Calibrations);
        Assert.Equal(spec.Methods, back.Methods);
        Assert.Equal(spec.Patterns, back.Patterns);
        Assert.Equal(spec.Domains, back.Domains);
        Assert.Equal((KeepMode.Checkpoints, ComputeDType.Fp16, ComputeDType.Bf16, 0.2), (back.Keep, back.DType, back.Eval.DType, back.Options.OwlLambda));
        Assert.True(SweepPlan.SameSpec(spec, back));

        var jobs = SweepPlan.Jobs("wire", spec);
        Assert.Equal(6 * 2 * 2, jobs.Count);
        Assert.All(jobs, j => Assert.Equal(j, OverTheWire(j)));
        Assert.Equal("/o/wire/m-owl+wanda-unstructured-mine", jobs[4].Output); // the file's name labels its folder
        Assert.Equal(["generated:builtin_text", "generated:/data/mine.jsonl", "generated:builtin_code:0.5,builtin_math:0.5"], back.Calibrations[3..].Select(c => c.ToString()));
        Assert.True(back.Calibrations[3].Parts[0].Dataset.IsGenerated);
        Assert.Equal("/o/wire/m-owl+wanda-unstructured-generated-mine", jobs.Single(j => j.Calibration.ToString() == "generated:/data/mine.jsonl" && j.Output.Contains("owl", StringComparison.Ordinal) && !j.Pattern.IsNofM).Output);
        var task = new ShardTask(jobs[0], 1, 2, 0, null) { DType = ComputeDType.Bf16 };
        Assert.Equal((jobs[0], ComputeDType.Bf16), (OverTheWire(task).Job, OverTheWire(task).DType));
        var shard = SweepPlan.Shards("wire", spec, "row", "/m").Last();
        Assert.Equal((EvalDomain.Ppl, "wire/e/row/ppl"), (OverTheWire(shard).Domain, OverTheWire(shard).ShardId));
        Assert.Equal(shard, OverTheWire(shard));
    }

    [Fact]
    public void GeneratedCalibrationIsCheckedByItsSource()
    {
        SweepSpec Spec(string calibration) => new([Paths.Model("llama")], Vocab.Sets(calibration), Vocab.Methods("wanda"), Vocab.Patterns(0.5, "unstructured"), [], 8, 24, 0, new EvalSettings(), "/o", "/d");
        SweepPlan.Validate(Spec("generated"));
        SweepPlan.Validate(Spec("generated:builtin_code:0.5,builtin_math:0.5"));
        var e = Assert.Throws<Numerics.Data.DataFormatException>(() => SweepPlan.Validate(Spec("generated:nosuchset")));
        Assert.StartsWith("nosuchset: unknown dataset", e.Message, StringComparison.Ordinal);
        Assert.Equal("/o/g/llama-wanda-unstructured-generated-builtin_text", SweepPlan.Jobs("g", Spec("generated"))[0].Output);
    }

    [Fact]
    public void AMixtureIsAJobWithAFolderAndARowOfItsOwn()
    {
        var spec = new SweepSpec([Paths.Model("llama")], Vocab.Sets("builtin_code:0.5,builtin_math:0.5", "builtin_text"), Vocab.Methods("wanda"),
            Vocab.Patterns(0.5, "unstructured", "2:4"), [], 8, 24, 0, new EvalSettings(), "/o", "/d");
        var jobs = SweepPlan.Jobs("mix", spec);
        Assert.Equal("/o/mix/llama-wanda-unstructured-builtin_code-0.5+builtin_math-0.5", jobs[0].Output);
        Assert.Equal("unstructured builtin_code:0.5,builtin_math:0.5", SweepPlan.Row(spec, jobs[0]));
        Assert.Equal(jobs[0], OverTheWire(jobs[0]));
        Assert.Equal(JsonSerializer.Serialize(JobSpecs.Request(jobs[0]).Calibration!.Parts), JsonSerializer.Serialize(CalibrationSet.Parse("builtin_code:0.5,builtin_math:0.5").Parts));
    }
}
