using System.Globalization;
using Shear.Grains.Abstractions;
using Shear.Numerics.Data.Registry;
using Shear.Numerics.Experiment;
using Shear.Numerics.Runtime;

namespace Shear.Grains;

/// <summary>Expands a sweep into its prune jobs and evaluation shards, after checking every name in it.</summary>
public static class SweepPlan
{
    /// <summary>Checks the spec: known datasets, methods, patterns, domains, positive counts.</summary>
    /// <exception cref="ArgumentException">The first bad value, named.</exception>
    public static void Validate(SweepSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Models.Length == 0 || spec.Calibrations.Length == 0 || spec.Methods.Length == 0 || spec.Patterns.Length == 0)
        {
            throw new ArgumentException("a sweep needs at least one model, calibration, method and pattern");
        }

        foreach (var m in spec.Models.Where(m => !File.Exists(Path.Combine(m, "config.json"))))
        {
            throw new ArgumentException($"model {m}: not a model folder the silos can see (no config.json)");
        }

        foreach (var c in spec.Calibrations)
        {
            foreach (var dataset in c.Parts.Select(p => p.Dataset.Source ?? p.Dataset).Where(d => !File.Exists(d.Name)))
            {
                DatasetRegistry.Find(dataset.ToString()); // a dataset name unless it is a .txt/.jsonl file (generated text: its source)
            }

            _ = c.Counts(spec.NSamples); // a mixture's counts sum to nsamples, and every part gets a sample
        }

        spec.Options.Validate();
        Once("model", spec.Models);
        Once("calibration", spec.Calibrations);
        Once("method", spec.Methods);
        Once("pattern", spec.Patterns);
        Once("domain", spec.Domains);
        if (spec.Domains.Length > 0)
        {
            JobSpecs.Options(spec.Eval, spec.Domains, spec.Seed, spec.DataDirectory).Validate();
        }

        if (spec.Shards < 0 || spec.TokenBudget <= 0)
        {
            throw new ArgumentException($"shards must be 0 (every silo) or positive and token_budget positive (got {spec.Shards}, {spec.TokenBudget})");
        }

        if (spec.NSamples is <= 0 or > RunBounds.MaxSamples || spec.SeqLen is <= 0 or > RunBounds.MaxSeqLen)
        {
            throw new ArgumentException($"nsamples must be 1 to {RunBounds.MaxSamples} and seqlen 1 to {RunBounds.MaxSeqLen} (got {spec.NSamples}, {spec.SeqLen})");
        }
    }

    private static void Once<T>(string what, IEnumerable<T> values)
    {
        if (values.GroupBy(v => v).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            var value = twice.Key is SparsityPattern { IsNofM: false } p ? p.Ratio.ToString(CultureInfo.InvariantCulture) : twice.Key is EvalDomain d ? EvalDomains.Name(d) : twice.Key!.ToString();
            throw new ArgumentException($"{(twice.Key is SparsityPattern { IsNofM: false } ? "sparsity" : what)} '{value}' is listed twice in a sweep");
        }
    }

    /// <summary>Whether two specs ask for the same sweep (by value: arrays compared element by element).</summary>
    public static bool SameSpec(SweepSpec a, SweepSpec b) =>
        System.Text.Json.JsonSerializer.Serialize(a) == System.Text.Json.JsonSerializer.Serialize(b);

    /// <summary>Every job, in model, calibration, method, pattern order (the patterns as the spec lists them, each unstructured sparsity its own).</summary>
    public static List<JobSpec> Jobs(string sweepId, SweepSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var jobs = new List<JobSpec>();
        foreach (var model in spec.Models)
        {
            foreach (var calibration in spec.Calibrations)
            {
                foreach (var method in spec.Methods)
                {
                    foreach (var pattern in spec.Patterns)
                    {
                        var at = spec.SeveralSparsities && !pattern.IsNofM ? string.Create(CultureInfo.InvariantCulture, $"-s{pattern.Ratio}") : "";
                        var folder = $"{Path.GetFileName(Path.TrimEndingDirectorySeparator(model))}-{method}-{pattern.ToString().Replace(":", "of", StringComparison.Ordinal)}{at}-{calibration.FolderLabel}";
                        jobs.Add(new JobSpec($"{sweepId}/j{jobs.Count}", model, calibration, method, pattern, spec.NSamples, spec.SeqLen, spec.Seed,
                            Path.Combine(spec.OutputDirectory, sweepId, folder), spec.DataDirectory)
                        {
                            Shards = spec.Shards, TokenBudget = spec.TokenBudget, Keep = spec.Keep, DType = spec.DType, Options = spec.Options,
                        });
                    }
                }
            }
        }

        return jobs;
    }

    /// <summary>The results-table row of a job: the calibration set, prefixed by method/pattern/sparsity/model when the sweep varies them.</summary>
    public static string Row(SweepSpec spec, JobSpec job)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(job);
        var parts = new List<string>();
        if (spec.Models.Length > 1)
        {
            parts.Add(Path.GetFileName(Path.TrimEndingDirectorySeparator(job.Model)));
        }

        if (spec.Methods.Length > 1)
        {
            parts.Add(job.Method.ToString());
        }

        if (spec.Patterns.Select(p => p.IsNofM ? p.ToString() : "unstructured").Distinct().Count() > 1)
        {
            parts.Add(job.Pattern.ToString());
        }

        if (spec.SeveralSparsities && !job.Pattern.IsNofM)
        {
            parts.Add(job.Pattern.Ratio.ToString(CultureInfo.InvariantCulture));
        }

        parts.Add(job.Calibration.ToString());
        return string.Join(" ", parts);
    }

    /// <summary>Evaluation shards of one model (a row): one per domain (none when the sweep has no domains).</summary>
    public static IEnumerable<EvalShard> Shards(string sweepId, SweepSpec spec, string row, string model)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Domains.Select(d => new EvalShard(string.Create(CultureInfo.InvariantCulture, $"{sweepId}/e/{row}/{EvalDomains.Name(d)}"), row, model, d, spec.Eval with { DType = spec.DType }, spec.Seed, spec.DataDirectory));
    }

    /// <summary>Every evaluation of the sweep with the job it waits for: the base models' (dense rows) first, then each job's.</summary>
    public static List<ScheduledEval> Evaluations(string sweepId, SweepSpec spec, IEnumerable<JobSpec> jobs)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var dense = spec.Models.Distinct().SelectMany(m => Shards(sweepId, spec, spec.Models.Length > 1 ? $"dense {Path.GetFileName(m)}" : "dense", m))
            .Select(e => new ScheduledEval(e, WorkState.Pending, null));
        var pruned = jobs.SelectMany(j => Shards(sweepId, spec, Row(spec, j), j.Output).Select(e => new ScheduledEval(e, WorkState.Pending, j.JobId)));
        return [.. dense, .. pruned];
    }

    /// <summary>
    /// Whether a job's bits depend on its shard count (SparseGPT's Hessians are summed shard by shard), so that the
    /// scheduler runs it at the count one at a time would give it.
    /// </summary>
    public static bool FixedShards(JobSpec job) =>
        Numerics.Pruning.MethodStatistics.Needs(JobSpecs.Spec(job)) is Numerics.Pruning.StatisticsKind.Hessian or Numerics.Pruning.StatisticsKind.MomentsAndHessian;
}
