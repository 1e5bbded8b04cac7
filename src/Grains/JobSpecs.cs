using Shear.Grains.Abstractions;
using Shear.Numerics.Evaluation;
using Shear.Numerics.Experiment;
using Shear.Numerics.Pruning;

namespace Shear.Grains;

/// <summary>Translations between the wire contracts and Numerics' requests.</summary>
public static class JobSpecs
{
    /// <summary>The method, pattern and options of a job.</summary>
    public static PruneSpec Spec(JobSpec job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return PruneSpec.Of(job.Method.Method, job.Method.Owl, job.Pattern, job.Options) with { TokenBudget = job.TokenBudget };
    }

    /// <summary>The same job as a single-process request (what <c>shear prune</c> would run on the CPU: the job's dtype, else fp32).</summary>
    public static PruneRequest Request(JobSpec job, bool overwrite = true)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new PruneRequest(job.Model, Spec(job), job.Calibration, null, job.NSamples, job.SeqLen, job.Seed, job.Output, overwrite)
        {
            DataDirectory = job.DataDirectory,
            Keep = job.Keep,
            DType = job.DType is { } dtype ? Numerics.Models.ModelOptions.ScalarTypeOf(dtype) : Numerics.Models.ModelOptions.Default.DType,
        };
    }

    /// <summary>The evaluation options of <paramref name="settings"/>: what they leave null keeps <see cref="EvalOptions"/>' default.</summary>
    public static EvalOptions Options(EvalSettings settings, IReadOnlyList<EvalDomain> domains, long seed, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(domains);
        var defaults = new EvalOptions();
        return defaults with
        {
            Domains = [.. domains.Select(EvalDomains.Name)], Limit = settings.Limit, Seed = seed, DataDirectory = dataDirectory,
            CodeSamples = settings.CodeSamples ?? defaults.CodeSamples, TranslationSamples = settings.TranslationSamples ?? defaults.TranslationSamples,
            CodeMaxNewTokens = settings.CodeMaxNewTokens ?? defaults.CodeMaxNewTokens, TranslationMaxNewTokens = settings.TranslationMaxNewTokens ?? defaults.TranslationMaxNewTokens,
        };
    }
}
