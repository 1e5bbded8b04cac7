using Shear.Grains.Abstractions;
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
        return new PruneSpec(PruningMethods.Parse(job.Method), SparsityPattern.Parse(job.Pattern, job.Sparsity)) { TokenBudget = job.TokenBudget };
    }

    /// <summary>The same job as a single-process request (what <c>shear prune</c> would run).</summary>
    public static PruneRequest Request(JobSpec job, bool overwrite = true)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new PruneRequest(job.Model, Spec(job), job.Calibration, null, job.NSamples, job.SeqLen, job.Seed, job.Output, overwrite)
        {
            DataDirectory = job.DataDirectory,
        };
    }
}
