using System.CommandLine;
using System.Globalization;
using Shear.Client.Sweeps;
using Shear.Grains.Abstractions;
using Shear.Numerics.Analysis;
using Shear.Numerics.Evaluation;

namespace Shear.Client.Commands;

/// <summary><c>shear sweep submit|status|results|cancel|silos</c> against a running cluster.</summary>
internal static class SweepCommand
{
    public static Command Create(TextWriter stdout)
    {
        var gateway = new Option<string>("--gateway") { Description = "A silo gateway HOST:PORT (localhost clusters)", DefaultValueFactory = _ => "127.0.0.1:30000" };
        var redis = new Option<string?>("--redis") { Description = "Redis connection string of the cluster's membership (instead of --gateway)" };
        var clusterId = new Option<string>("--cluster-id") { Description = "Orleans cluster id", DefaultValueFactory = _ => "shear" };
        var timeout = new Option<int>("--connect-timeout") { Description = "Seconds to wait for the cluster", DefaultValueFactory = _ => 15 };
        Option[] connection = [gateway, redis, clusterId, timeout];
        async Task<ClusterConnection> Connect(ParseResult p) =>
            await ClusterConnection.Connect(p.GetValue(redis), p.GetValue(gateway)!, p.GetValue(clusterId)!, TimeSpan.FromSeconds(p.GetValue(timeout)));

        var file = new Argument<string>("file") { Description = "Sweep file (YAML)" };
        var id = new Option<string?>("--id") { Description = "Sweep id (default: the file name and the time)" };
        var watch = new Option<bool>("--watch") { Description = "Follow progress until the sweep ends" };
        var submit = new Command("submit", "Check a sweep file and submit it") { file, id, watch };
        var sweepId = new Argument<string>("id") { Description = "Sweep id" };
        var status = new Command("status", "Show a sweep's progress") { sweepId, watch };
        var format = new Option<string>("--format") { Description = "md, csv or json", DefaultValueFactory = _ => "md" };
        var report = new Option<string?>("--report") { Description = "Also write the comparison report (mask similarity, pictures, HTML) into this folder" };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace a non-empty --report folder (atomically)" };
        var retention = new Option<bool>("--retention") { Description = "Each domain as a fraction of the dense row's score (delta-method standard errors, paired over the same items)" };
        var results = new Command("results", "Print a sweep's calibration x domain table") { sweepId, format, retention, report, overwrite };
        var cancel = new Command("cancel", "Stop scheduling a sweep's remaining work") { sweepId };
        var retry = new Command("retry", "Run again only what failed in a sweep (its failed jobs from their last finished layer, its failed evaluations)") { sweepId, watch };
        var runReport = new Option<string?>("--report") { Description = "Where the HTML report goes (default: the sweep's output folder/ID/report, replaced on the next run)" };
        var run = new Command("run", "Run a sweep file on a local silo host process (one machine, no Redis): progress, the table, the report") { file, id, runReport };
        var silos = new Command("silos", "Show the cluster's silos: what they compute on, free device slots, free GPU memory, running work");
        foreach (var c in new[] { submit, status, results, cancel, retry, silos })
        {
            foreach (var o in connection)
            {
                c.Options.Add(o);
            }
        }

        submit.SetAction(async (p, _) =>
        {
            var spec = SweepFile.Read(p.GetValue(file)!); // checked before any connection
            var name = p.GetValue(id) ?? $"{Path.GetFileNameWithoutExtension(p.GetValue(file))}-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}";
            await using var cluster = await Connect(p);
            var sweep = cluster.Client.GetGrain<ISweepGrain>(name);
            await sweep.Submit(spec);
            stdout.WriteLine($"submitted sweep {name}");
            if (p.GetValue(watch))
            {
                var final = await SweepProgressDisplay.Follow(sweep, stdout, true, TimeSpan.FromMilliseconds(500));
                return final.State == WorkState.Done ? 0 : 1;
            }

            return 0;
        });
        status.SetAction(async (p, _) =>
        {
            await using var cluster = await Connect(p);
            var final = await SweepProgressDisplay.Follow(cluster.Client.GetGrain<ISweepGrain>(p.GetValue(sweepId)!), stdout, p.GetValue(watch), TimeSpan.FromMilliseconds(500));
            return final.State is WorkState.Failed or WorkState.Cancelled ? 1 : 0;
        });
        results.SetAction(async (p, _) =>
        {
            if (p.GetValue(report) is { } target)
            {
                Numerics.IO.OutputFolder.Check(target, p.GetValue(overwrite), Numerics.IO.OutputKind.Report, "--report"); // before connecting
            }

            await using var cluster = await Connect(p);
            var s = await cluster.Client.GetGrain<ISweepGrain>(p.GetValue(sweepId)!).GetStatus() ?? throw new ArgumentException($"no sweep with id '{p.GetValue(sweepId)}'");
            stdout.Write(SweepResults.Format(s, p.GetValue(format)!, p.GetValue(retention)));
            if (p.GetValue(report) is { } dir)
            {
                WriteReport(s, dir, p.GetValue(overwrite));
                stdout.WriteLine($"wrote {Path.GetFullPath(Path.Combine(dir, "report.html"))}");
            }

            return 0;
        });
        cancel.SetAction(async (p, ct) =>
        {
            await using var cluster = await Connect(p);
            var sweep = cluster.Client.GetGrain<ISweepGrain>(p.GetValue(sweepId)!);
            _ = await sweep.GetStatus() ?? throw new ArgumentException($"no sweep with id '{p.GetValue(sweepId)}'");
            await sweep.Cancel();
            stdout.WriteLine($"cancelled sweep {p.GetValue(sweepId)}");
            return 0;
        });
        retry.SetAction(async (p, _) =>
        {
            await using var cluster = await Connect(p);
            var sweep = cluster.Client.GetGrain<ISweepGrain>(p.GetValue(sweepId)!);
            int restarted = await sweep.Retry();
            stdout.WriteLine(restarted == 0 ? $"sweep {p.GetValue(sweepId)}: nothing failed" : $"sweep {p.GetValue(sweepId)}: running {restarted} failed piece{(restarted == 1 ? "" : "s")} of work again");
            if (!p.GetValue(watch))
            {
                return 0;
            }

            var final = await SweepProgressDisplay.Follow(sweep, stdout, true, TimeSpan.FromMilliseconds(500));
            return final.State == WorkState.Done ? 0 : 1;
        });
        run.SetAction(async (p, ct) =>
        {
            var spec = SweepFile.Read(p.GetValue(file)!); // checked before anything starts
            var name = p.GetValue(id) ?? $"{Path.GetFileNameWithoutExtension(p.GetValue(file))}-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}";
            var reportDir = p.GetValue(runReport) ?? Path.Combine(spec.OutputDirectory, name, "report");
            bool replace = Numerics.IO.OutputFolder.Holds(reportDir, Numerics.IO.OutputKind.Report);
            Numerics.IO.OutputFolder.Check(reportDir, replace, Numerics.IO.OutputKind.Report, "--report");
            return await LocalSweep.Run(spec, name, reportDir, replace, stdout, $"{string.Join(", ", spec.Calibrations)} x {string.Join(", ", spec.Methods)} x {string.Join(", ", spec.Patterns.Select(x => x.Label))} on {string.Join(", ", spec.Models.Select(Path.GetFileName))} ({p.GetValue(file)})", ct);
        });
        silos.SetAction(async (p, ct) =>
        {
            await using var cluster = await Connect(p);
            SiloLoad[] board = [];
            for (var until = DateTime.UtcNow.AddSeconds(5); board.Length == 0 && DateTime.UtcNow < until; await Task.Delay(250, ct))
            {
                board = await cluster.Client.GetGrain<IWorkBoardGrain>(0).Read(); // silos post every 250 ms
            }

            stdout.Write(FormatSilos(board));
            return board.Length > 0 ? 0 : 1;
        });
        return new Command("sweep", "Run a sweep file locally, or submit and follow sweeps on a Shear cluster") { run, submit, status, results, cancel, retry, silos };
    }

    /// <summary>The work board as a table, one silo per line (what placement ranks by).</summary>
    public static string FormatSilos(IReadOnlyList<SiloLoad> board)
    {
        ArgumentNullException.ThrowIfNull(board);
        if (board.Count == 0)
        {
            return "no silo has posted its load yet\n";
        }

        var rows = board.Select(l => new[]
        {
            l.Silo, l.Accelerator, l.Gpus > 0 ? $"{l.Gpus} GPU{(l.Gpus == 1 ? "" : "s")}" : "cpu", $"{l.FreeSlots}/{l.Devices}",
            l.Gpus > 0 && l.FreeGpuMemory > 0 ? $"{l.FreeGpuMemory / (double)(1L << 30):F1} GiB" : "-", l.Running.ToString(CultureInfo.InvariantCulture),
        }).Prepend(["silo", "computes on", "devices", "free slots", "most free GPU memory", "running"]).ToList();
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        return string.Concat(rows.Select(r => string.Join("  ", r.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd() + "\n"));
    }

    /// <summary>The comparison report of a finished sweep: every pruned job's masks, with its evaluation.</summary>
    public static void WriteReport(SweepStatus status, string directory, bool overwrite = false)
    {
        var jobs = status.Jobs.Where(j => j.State == WorkState.Done).ToList();
        var results = SweepResults.Results(status).ToDictionary(r => r.Row, r => r.Results);
        EvalReport? Report(string row) => results.TryGetValue(row, out var r) ? LocalEvalJob.Report(row, r, 0) : null;
        var rows = jobs.ToDictionary(j => j.JobId, j => status.Evaluations.FirstOrDefault(e => e.Shard.Model == j.Output)?.Shard.Row ?? j.Calibration.ToString());
        var sets = jobs.Select(j => MaskSet.Load(j.Output, rows[j.JobId])).ToList();
        var evaluations = sets.Select(s => (s.Name, Report(s.Name))).Where(x => x.Item2 is not null).ToDictionary(x => x.Name, x => x.Item2!);
        ComparisonReport.Write(new ComparisonInput(sets, evaluations, Report(ResultsTable.Dense)), directory, overwrite, "--report");
    }
}
