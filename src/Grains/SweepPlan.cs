using System.Globalization;
using Shear.Grains.Abstractions;
using Shear.Numerics.Data.Registry;
using Shear.Numerics.Evaluation;
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

        foreach (var c in spec.Calibrations.Where(c => !File.Exists(c)))
        {
            DatasetRegistry.Find(c); // a dataset name unless it is a .txt/.jsonl file
        }

        // The edge (the sweep file, the demo) parsed these into Numerics' types; the spec carries their canonical spellings.
        foreach (var m in spec.Methods)
        {
            Canonical("method", m, PruningMethods.Canonical(m));
        }

        Canonical("keep", spec.Keep, KeepModes.Name(KeepModes.Parse(spec.Keep, "keep:")));
        if (spec.DType is { } dtype && dtype is not ("fp32" or "bf16"))
        {
            throw new ArgumentException($"dtype: expected fp32 or bf16, not '{dtype}'");
        }

        spec.Options.Validate();
        foreach (var p in spec.Patterns)
        {
            var pattern = SparsityPattern.Parse(p, null);
            Canonical("pattern", p, pattern.ToString());
            if (!pattern.IsNofM)
            {
                foreach (var s in spec.AllSparsities)
                {
                    SparsityPattern.Unstructured(s);
                }
            }
        }

        if (spec.AllSparsities.Distinct().Count() != spec.AllSparsities.Count)
        {
            throw new ArgumentException($"sparsity {spec.AllSparsities.GroupBy(s => s).First(g => g.Count() > 1).Key.ToString(CultureInfo.InvariantCulture)} is listed twice in a sweep");
        }

        foreach (var d in spec.Domains)
        {
            Canonical("domain", d, EvalBenchmarks.Domain(d));
        }

        foreach (var list in new[] { spec.Models, spec.Calibrations, spec.Methods, spec.Patterns, spec.Domains }.Where(l => l.Distinct(StringComparer.Ordinal).Count() != l.Length))
        {
            throw new ArgumentException($"'{list.GroupBy(x => x, StringComparer.Ordinal).First(g => g.Count() > 1).Key}' is listed twice in a sweep");
        }

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

    private static void Canonical(string what, string given, string canonical)
    {
        if (given != canonical)
        {
            throw new ArgumentException($"{what} '{given}' is not spelled as Shear spells it ('{canonical}')");
        }
    }

    /// <summary>Whether two specs ask for the same sweep (by value: arrays compared element by element).</summary>
    public static bool SameSpec(SweepSpec a, SweepSpec b) =>
        System.Text.Json.JsonSerializer.Serialize(a) == System.Text.Json.JsonSerializer.Serialize(b);

    /// <summary>
    /// Every job, in model, calibration, method, pattern, sparsity order (an N:M pattern fixes its sparsity: one job; an
    /// unstructured one a job per sparsity of the sweep).
    /// </summary>
    public static List<JobSpec> Jobs(string sweepId, SweepSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var jobs = new List<JobSpec>();
        bool several = spec.AllSparsities.Count > 1;
        foreach (var model in spec.Models)
        {
            foreach (var calibration in spec.Calibrations)
            {
                foreach (var method in spec.Methods)
                {
                    foreach (var pattern in spec.Patterns)
                    {
                        bool nofm = SparsityPattern.Parse(pattern, null).IsNofM;
                        foreach (double? sparsity in nofm ? [null] : spec.AllSparsities.Select(s => (double?)s))
                        {
                            var at = several && sparsity is { } s ? string.Create(CultureInfo.InvariantCulture, $"-s{s}") : "";
                            var source = calibration.Contains('/', StringComparison.Ordinal) ? Path.GetFileNameWithoutExtension(calibration) : calibration; // a file: its name
                            var folder = $"{Path.GetFileName(Path.TrimEndingDirectorySeparator(model))}-{method}-{pattern.Replace(":", "of", StringComparison.Ordinal)}{at}-{source}";
                            jobs.Add(new JobSpec($"{sweepId}/j{jobs.Count}", model, calibration, method, pattern, sparsity, spec.NSamples, spec.SeqLen, spec.Seed,
                                Path.Combine(spec.OutputDirectory, sweepId, folder), spec.DataDirectory)
                            {
                                Shards = spec.Shards, TokenBudget = spec.TokenBudget, Keep = spec.Keep, DType = spec.DType, Options = spec.Options,
                            });
                        }
                    }
                }
            }
        }

        return jobs;
    }

    /// <summary>The results-table row of a job: the calibration set, prefixed by method/pattern/model when the sweep varies them.</summary>
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
            parts.Add(job.Method);
        }

        if (spec.Patterns.Length > 1)
        {
            parts.Add(job.Pattern);
        }

        if (spec.AllSparsities.Count > 1 && job.Sparsity is { } sparsity)
        {
            parts.Add(sparsity.ToString(CultureInfo.InvariantCulture));
        }

        parts.Add(job.Calibration);
        return string.Join(" ", parts);
    }

    /// <summary>Evaluation shards of one model (a row): one per domain (none when the sweep has no domains).</summary>
    public static IEnumerable<EvalShard> Shards(string sweepId, SweepSpec spec, string row, string model)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Domains.Select(d => new EvalShard(string.Create(CultureInfo.InvariantCulture, $"{sweepId}/e/{row}/{d}"), row, model, d, spec.Eval with { DType = spec.DType }, spec.Seed, spec.DataDirectory));
    }
}
