using Shear.Grains.Abstractions;

namespace Shear.Grains;

/// <summary>What the scheduler knows of one prune job.</summary>
/// <param name="Job">The job.</param>
/// <param name="State">Where it stands.</param>
/// <param name="Shards">The shards it was started with (0 until started).</param>
/// <param name="FixedShards">Whether its result depends on its shard count (SparseGPT's Hessians are summed per shard): it then gets the count a one-at-a-time sweep gives it, every slot.</param>
public sealed record ScheduledJob(JobSpec Job, WorkState State, int Shards, bool FixedShards);

/// <summary>What the scheduler knows of one evaluation shard.</summary>
/// <param name="Shard">The shard.</param>
/// <param name="State">Where it stands (<see cref="WorkState.Pending"/> until started).</param>
/// <param name="JobId">The job whose sub-model it evaluates; null for a base model (ready from the start).</param>
public sealed record ScheduledEval(EvalShard Shard, WorkState State, string? JobId);

/// <summary>What to start now, and whether the sweep has ended.</summary>
/// <param name="StartJobs">Jobs to start, each with its shard count.</param>
/// <param name="StartEvals">Evaluation shards to start.</param>
/// <param name="Finished">Done or Failed once nothing is left to run or wait for; null while work remains.</param>
public sealed record SweepDecisions(IReadOnlyList<(JobSpec Job, int Shards)> StartJobs, IReadOnlyList<EvalShard> StartEvals, WorkState? Finished);

/// <summary>
/// The sweep's scheduling decisions, a pure function of what it knows (unit-tested without a silo). Parallel (the
/// default): jobs run concurrently while the cluster has free device slots, each with a shard count from what is free
/// (a job whose bits depend on it gets every slot, as one at a time); a sub-model's evaluations start as soon as its job
/// is done, before further jobs; the base models' evaluations fill what is left. Serial (the one-at-a-time schedule,
/// for comparison): one job at a time, every evaluation after the last job. Failures are contained: a failed job's
/// evaluations never start, everything else goes on, and the sweep ends Failed only once all else has ended.
/// </summary>
public static class SweepScheduler
{
    /// <summary>The decisions for the current state.</summary>
    /// <param name="jobs">Every job, in the sweep's order.</param>
    /// <param name="evals">Every evaluation shard, in the sweep's order.</param>
    /// <param name="slots">Device slots in the cluster (one per GPU, or one per CPU silo); at least 1 is assumed.</param>
    /// <param name="serial">The one-at-a-time schedule.</param>
    public static SweepDecisions Next(IReadOnlyList<ScheduledJob> jobs, IReadOnlyList<ScheduledEval> evals, int slots, bool serial)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(evals);
        slots = Math.Max(1, slots);
        var state = jobs.ToDictionary(j => j.Job.JobId, j => j.State);
        bool Ready(ScheduledEval e) => e.JobId is null || state[e.JobId] == WorkState.Done;
        var startJobs = new List<(JobSpec, int)>();
        var startEvals = new List<EvalShard>();
        if (serial)
        {
            if (!jobs.Any(j => j.State == WorkState.Running))
            {
                if (jobs.FirstOrDefault(j => j.State == WorkState.Pending) is { } next)
                {
                    startJobs.Add((next.Job, next.Job.Shards)); // 0: every slot, as ever
                }
                else
                {
                    startEvals.AddRange(evals.Where(e => e.State == WorkState.Pending && Ready(e)).Select(e => e.Shard));
                }
            }
        }
        else
        {
            Parallel(jobs, evals, slots, Ready, startJobs, startEvals);
        }

        bool ended = jobs.All(j => j.State is WorkState.Done or WorkState.Failed)
            && evals.Where(Ready).All(e => e.State is WorkState.Done or WorkState.Failed) && startJobs.Count == 0 && startEvals.Count == 0;
        WorkState? finished = !ended ? null
            : jobs.Any(j => j.State == WorkState.Failed) || evals.Any(e => e.State == WorkState.Failed) ? WorkState.Failed : WorkState.Done;
        return new SweepDecisions(startJobs, startEvals, finished);
    }

    private static void Parallel(IReadOnlyList<ScheduledJob> jobs, IReadOnlyList<ScheduledEval> evals, int slots, Func<ScheduledEval, bool> ready,
        List<(JobSpec, int)> startJobs, List<EvalShard> startEvals)
    {
        int used = jobs.Where(j => j.State == WorkState.Running).Sum(j => Math.Clamp(j.Shards, 1, slots)) + evals.Count(e => e.State == WorkState.Running);
        int free = slots - used;
        var pendingJobs = jobs.Where(j => j.State == WorkState.Pending).ToList();
        // Results first (the evaluations of finished sub-models), then pruning, then the base models' rows.
        var queue = evals.Where(e => e.State == WorkState.Pending && e.JobId is not null && ready(e)).Select(e => (object)e)
            .Concat(pendingJobs).Concat(evals.Where(e => e.State == WorkState.Pending && e.JobId is null));
        int jobsLeft = pendingJobs.Count;
        foreach (var item in queue)
        {
            if (free <= 0)
            {
                break;
            }

            if (item is ScheduledEval eval)
            {
                startEvals.Add(eval.Shard);
                free--;
                continue;
            }

            var job = (ScheduledJob)item;
            bool fixedCount = job.Job.Shards > 0 || job.FixedShards;
            int shards = job.Job.Shards > 0 ? job.Job.Shards : job.FixedShards ? slots : Math.Max(1, free / jobsLeft);
            int cost = Math.Min(shards, slots);
            if (fixedCount && cost > free)
            {
                break; // it waits for its slots; nothing behind it overtakes it
            }

            startJobs.Add((job.Job, shards));
            free -= cost;
            jobsLeft--;
        }
    }
}
