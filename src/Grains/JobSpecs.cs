using Shear.Grains.Abstractions;
using Shear.Numerics.Evaluation;
using Shear.Numerics.Experiment;
using Shear.Numerics.Pruning;

namespace Shear.Grains;

/// <summary>Translations between the wire contracts and Numerics' requests.</summary>
public static class JobSpecs
{
    /// <summary>The method and pattern of a job.</summary>
    /// <exception cref="ArgumentException">Unknown method or bad pattern (named).</exception>
    public static PruneSpec Spec(JobSpec job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var (method, owl) = PruningMethods.ParseWithOwl(job.Method);
        return PruneSpec.Of(method, owl, SparsityPattern.Parse(job.Pattern, job.Sparsity), job.Options) with { TokenBudget = job.TokenBudget };
    }

    /// <summary>The same job as a single-process request (what <c>shear prune</c> would run on the CPU: the job's dtype, else fp32).</summary>
    public static PruneRequest Request(JobSpec job, bool overwrite = true)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new PruneRequest(job.Model, Spec(job), job.Calibration, null, job.NSamples, job.SeqLen, job.Seed, job.Output, overwrite)
        {
            DataDirectory = job.DataDirectory,
            Keep = KeepModes.Parse(job.Keep, "keep:"),
            DType = job.DType is null ? Numerics.Models.ModelOptions.Default.DType : Numerics.Models.ModelOptions.ParseDType(job.DType),
        };
    }

    /// <summary>The evaluation options of <paramref name="settings"/>: what they leave null keeps <see cref="EvalOptions"/>' default.</summary>
    public static EvalOptions Options(EvalSettings settings, IReadOnlyList<string> domains, long seed, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var defaults = new EvalOptions();
        if (settings.DType is { } dtype)
        {
            _ = Numerics.Models.ModelOptions.ParseDType(dtype); // an unknown dtype is named before any work
        }

        return defaults with
        {
            Domains = domains, Limit = settings.Limit, Seed = seed, DataDirectory = dataDirectory,
            CodeSamples = settings.CodeSamples ?? defaults.CodeSamples, TranslationSamples = settings.TranslationSamples ?? defaults.TranslationSamples,
            CodeMaxNewTokens = settings.CodeMaxNewTokens ?? defaults.CodeMaxNewTokens, TranslationMaxNewTokens = settings.TranslationMaxNewTokens ?? defaults.TranslationMaxNewTokens,
        };
    }
}
