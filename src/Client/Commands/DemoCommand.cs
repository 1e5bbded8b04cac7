using System.CommandLine;
using Shear.Client.Sweeps;
using Shear.Grains.Abstractions;
using Shear.Numerics.Experiment;
using Shear.Numerics.IO;

namespace Shear.Client.Commands;

/// <summary>
/// <c>shear demo</c>: a silo host process (localhost clustering on free ports, memory storage), a small sweep on the
/// built-in tiny model (3 calibration sets x unstructured 50% and 2:4), every domain evaluated on the built-in sets,
/// progress bars, and the calibration x domain table.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(TextWriter stdout)
    {
        var model = new Option<string>("--model") { Description = "Base model", DefaultValueFactory = _ => Path.Combine("models", "shear-tiny") };
        var output = new Option<string>("--out") { Description = "Where the sub-models go", DefaultValueFactory = _ => "demo-output" };
        var calibrations = new Option<string>("--calibrations")
        {
            Description = "Calibration sets, separated by ';' (or ',' when none is a mixture NAME:SHARE,...)",
            DefaultValueFactory = _ => "builtin_code;builtin_math;builtin_text;builtin_code:11,builtin_math:11,builtin_text:10",
        };
        var limit = new Option<int>("--limit") { Description = "Items per benchmark", DefaultValueFactory = _ => 20 };
        var domains = new Option<string>("--domains") { Description = "Comma-separated domains", DefaultValueFactory = _ => "code,csr,translation,math,ppl" };
        var dataDir = new Option<string>("--data-dir") { Description = "Datasets folder", DefaultValueFactory = _ => "data" };
        var keep = new Option<string>("--keep") { Description = "masks (sub-models as masks over the base) or checkpoints (full copies)", DefaultValueFactory = _ => "masks" };
        var report = new Option<string?>("--report") { Description = "Where the HTML report goes (default: OUT/report, replaced on the next run)" };
        var command = new Command("demo", "Run a small sweep on the built-in tiny model on a local silo and print the results table")
        {
            model, output, calibrations, limit, domains, dataDir, report, keep,
        };
        command.SetAction(async (p, cancel) =>
        {
            // The report is written by default; the default folder, or a report a previous run wrote there, is replaced.
            var reportDir = p.GetValue(report) ?? Path.Combine(p.GetValue(output)!, "report");
            bool replaceReport = OutputFolder.Holds(reportDir, OutputKind.Report);
            OutputFolder.Check(reportDir, replaceReport, OutputKind.Report, "--report"); // before any work

            var wanted = p.GetValue(domains)!.Split(',', StringSplitOptions.TrimEntries).Select(EvalDomains.Parse).ToArray();

            var spec = new SweepSpec([Path.GetFullPath(p.GetValue(model)!)], [.. CalibrationSets(p.GetValue(calibrations)!)],
                [new MethodChoice(PruningMethod.Wanda)], [SparsityPattern.Unstructured(0.5), SparsityPattern.NofM(2, 4)], wanted, 32, 256, 0, new EvalSettings { Limit = p.GetValue(limit), CodeSamples = 2, CodeMaxNewTokens = 64, TranslationSamples = 2, TranslationMaxNewTokens = 32 },
                Path.GetFullPath(p.GetValue(output)!), Path.GetFullPath(p.GetValue(dataDir)!)) { Keep = KeepModes.Parse(p.GetValue(keep)!) };
            Numerics.Models.ModelConfigLoader.RequireFolder(spec.Models[0]);

            // The same path as a cluster: a silo host process (localhost clustering, memory storage) and this console as its client.
            return await LocalSweep.Run(spec, "demo", reportDir, replaceReport, stdout,
                $"{string.Join(", ", spec.Calibrations)} x unstructured 50%, 2:4 (wanda) on {spec.Models[0]}", cancel);
        });
        return command;
    }

    /// <summary>Calibration sets separated by ';', or by ',' when none is a mixture (whose parts ',' separates).</summary>
    internal static IEnumerable<CalibrationSet> CalibrationSets(string text) =>
        (text.Contains(';', StringComparison.Ordinal) || text.Contains(':', StringComparison.Ordinal) ? text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Select(Numerics.Data.Registry.CalibrationSource.Resolve);
}
