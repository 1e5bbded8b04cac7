using Shear.Client.Commands;
using Shear.Grains.Abstractions;
using Shear.Numerics.Analysis;
using Shear.Numerics.Experiment;

namespace Shear.Client.Sweeps;

/// <summary>
/// A sweep on one machine: a silo host process (localhost clustering on free ports, memory storage; it stops with the
/// run) with this console as its client, progress bars, the calibration x domain table and the HTML report. The path
/// a cluster takes, so <c>shear demo</c> and <c>shear sweep run</c> give what <c>sweep submit</c> would.
/// </summary>
internal static class LocalSweep
{
    /// <summary>Runs <paramref name="spec"/> as sweep <paramref name="id"/>; 0 when every job and evaluation is done, else 1 (failures named).</summary>
    public static async Task<int> Run(SweepSpec spec, string id, string reportDir, bool replaceReport, TextWriter stdout, string title, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Domains.Contains(EvalDomain.Code) && Numerics.Evaluation.Code.PythonSandbox.WhyUnavailable is { } why)
        {
            // Generated code never runs unisolated on the user's machine: say what is skipped and how to enable it.
            stdout.WriteLine($"code: skipped ({why}); enable it with: sudo apt-get install bubblewrap");
            spec = spec with { Domains = [.. spec.Domains.Where(d => d != EvalDomain.Code)] };
        }

        await using var silo = await SiloHost.Start(id, TimeSpan.FromMinutes(2), cancel);
        await using var connection = await ClusterConnection.Connect(null, silo.Gateway, silo.ClusterId, TimeSpan.FromSeconds(30));
        stdout.WriteLine($"silo host on {silo.Gateway} (log {silo.LogPath}); sweep {id}: {title}");
        var sweep = connection.Client.GetGrain<ISweepGrain>(id);
        await sweep.Submit(spec);
        var status = await SweepProgressDisplay.Follow(sweep, stdout, true, TimeSpan.FromMilliseconds(500));
        stdout.WriteLine();
        var table = SweepResults.Table(status);
        stdout.Write(table.ToMarkdown());
        stdout.WriteLine("(code: pass@1 %, csr: accuracy %, translation: METEOR %, math: exact match %, ppl X: perplexity of built-in domain X's held-out split, lower is better;");
        stdout.WriteLine(" value ± standard error; [own domain of the calibration set]; **best** of its pattern by more than twice the standard error of the difference, paired over the same items; else tie)");
        if (table.Rows.Any(r => r.Label == ResultsTable.Dense) && status.Jobs.Any(j => j.State == WorkState.Done))
        {
            stdout.WriteLine();
            stdout.WriteLine("Retention: each domain as % of the dense row (perplexity: dense / sub-model), standard errors by the delta method, paired over the same items:");
            stdout.Write(table.Retention().ToMarkdown());
        }

        foreach (var note in status.Evaluations.Select(e => e.Message).Where(m => m.Length > 0).Distinct())
        {
            stdout.WriteLine($"note: {note}");
        }

        foreach (var job in status.Jobs.Where(j => j.State == WorkState.Failed))
        {
            stdout.WriteLine($"failed: job {job.JobId} ({job.Method} {job.Pattern.Label} {job.Calibration}): {job.Message}");
        }

        if (status.Jobs.Count(j => j.State == WorkState.Done) >= 2)
        {
            SweepCommand.WriteReport(status, reportDir, replaceReport);
            stdout.WriteLine($"wrote {Path.GetFullPath(Path.Combine(reportDir, "report.html"))}");
        }

        if (status.State != WorkState.Done)
        {
            stdout.WriteLine($"sweep {id}: {status.State.ToString().ToLowerInvariant()} {status.Message}".TrimEnd());
        }

        return status.State == WorkState.Done ? 0 : 1;
    }
}
