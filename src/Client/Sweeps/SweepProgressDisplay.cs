using Shear.Grains.Abstractions;
using Shear.Numerics.Experiment;
using Spectre.Console;

namespace Shear.Client.Sweeps;

/// <summary>Live bars per job (layers) and per evaluation shard while a sweep runs; plain lines when not on a terminal.</summary>
internal static class SweepProgressDisplay
{
    public static async Task<SweepStatus> Follow(ISweepGrain sweep, TextWriter stdout, bool watch, TimeSpan poll)
    {
        var status = await Poll(sweep, null) ?? throw new ArgumentException($"no sweep with id '{sweep.GetPrimaryKeyString()}'");
        if (!watch)
        {
            Print(status, stdout);
            return status;
        }

        if (!Commands.ConsoleMode.IsInteractive(stdout))
        {
            var seen = new HashSet<string>();
            while (true)
            {
                foreach (var line in Lines(status).Where(seen.Add))
                {
                    stdout.WriteLine(line);
                }

                if (!Running(status))
                {
                    return status;
                }

                await Task.Delay(poll);
                status = await Poll(sweep, status) ?? status;
            }
        }

        await AnsiConsole.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                void Bar(string id, string label, double value, double max)
                {
                    if (!tasks.TryGetValue(id, out var t))
                    {
                        t = tasks[id] = ctx.AddTask(Markup.Escape(label), maxValue: Math.Max(1, max));
                    }

                    t.MaxValue = Math.Max(1, max);
                    t.Value = value;
                }

                while (true)
                {
                    foreach (var j in status.Jobs)
                    {
                        Bar(j.JobId, $"prune {j.Method} {j.Pattern.Label} {j.Calibration.Label}", j.State == WorkState.Done ? Math.Max(1, j.Layers) : j.LayersDone, j.Layers);
                    }

                    foreach (var e in status.Evaluations)
                    {
                        Bar(e.Shard.ShardId, $"eval {e.Shard.Row} / {EvalDomains.Name(e.Shard.Domain)}", e.State is WorkState.Done or WorkState.Failed ? 1 : 0, 1);
                    }

                    if (!Running(status))
                    {
                        return;
                    }

                    await Task.Delay(poll);
                    status = await Poll(sweep, status) ?? status;
                }
            });
        return status;
    }

    /// <summary>How long --watch keeps asking through slow replies and a lost silo before it gives up.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    // One status query that rides out a slow reply or the sweep grain's silo going away (its grain comes back on a
    // live silo): retried for up to Patience, then one line saying the cluster stopped answering.
    private static async Task<SweepStatus?> Poll(ISweepGrain sweep, SweepStatus? last)
    {
        var until = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                return await sweep.GetStatus() ?? last;
            }
            catch (Exception e) when (e is TimeoutException or OrleansException or SiloUnavailableException && DateTime.UtcNow < until)
            {
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
            catch (Exception e) when (e is TimeoutException or OrleansException or SiloUnavailableException)
            {
                throw new ClusterUnavailableException($"sweep {sweep.GetPrimaryKeyString()}: the cluster did not answer for {Patience.TotalMinutes:F0} minutes ({e.GetType().Name}); its work goes on: `shear sweep status {sweep.GetPrimaryKeyString()} --watch` follows it again");
            }
        }
    }

    private static bool Running(SweepStatus s) => s.State is WorkState.Running or WorkState.Pending;

    private static IEnumerable<string> Lines(SweepStatus s)
    {
        foreach (var j in s.Jobs.Where(j => j.State is WorkState.Done or WorkState.Failed))
        {
            yield return $"job {j.JobId} ({j.Method} {j.Pattern.Label} {j.Calibration}): {j.State.ToString().ToLowerInvariant()} {j.Message}".TrimEnd();
        }

        foreach (var e in s.Evaluations.Where(e => e.State is WorkState.Done or WorkState.Failed))
        {
            // A failure's reason here; a finished shard's notes (what it substituted or skipped) once, when the sweep ends.
            yield return $"eval {e.Shard.Row} / {EvalDomains.Name(e.Shard.Domain)} on {e.Silo}: {e.State.ToString().ToLowerInvariant()} {(e.State == WorkState.Failed ? e.Message : "")}".TrimEnd();
        }

        if (!Running(s))
        {
            yield return $"sweep {s.SweepId}: {s.State.ToString().ToLowerInvariant()} {s.Message}".TrimEnd();
        }
    }

    private static void Print(SweepStatus s, TextWriter stdout)
    {
        stdout.WriteLine($"sweep {s.SweepId}: {s.State.ToString().ToLowerInvariant()} {s.Message}".TrimEnd());
        foreach (var j in s.Jobs)
        {
            stdout.WriteLine($"  job {j.JobId} {j.Method} {j.Pattern.Label} {j.Calibration}: {j.State.ToString().ToLowerInvariant()}, layers {j.LayersDone}/{j.Layers} {j.Message}".TrimEnd());
        }

        foreach (var e in s.Evaluations)
        {
            stdout.WriteLine($"  eval {e.Shard.Row} / {EvalDomains.Name(e.Shard.Domain)}: {e.State.ToString().ToLowerInvariant()}{(e.Silo.Length > 0 ? $" on {e.Silo}" : "")} {e.Message}".TrimEnd());
        }
    }
}
