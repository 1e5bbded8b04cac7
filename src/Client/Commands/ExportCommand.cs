using System.CommandLine;
using Shear.Numerics.Pruning;

namespace Shear.Client.Commands;

/// <summary><c>shear export DIR --out HF_DIR</c>: the full HF checkpoint of a masks-only sub-model.</summary>
internal static class ExportCommand
{
    public static Command Create(TextWriter stdout)
    {
        var folder = new Argument<string>("folder") { Description = "A masks-only sub-model (shear prune --keep masks, or a sweep's output)" };
        var output = new Option<string>("--out") { Description = "Where the HF checkpoint goes (must not exist or be empty)", Required = true };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace a non-empty --out (atomically)" };
        var command = new Command("export", "Write the full HF checkpoint of a masks-only sub-model (streamed, in its base's layout and dtypes)") { folder, output, overwrite };
        command.SetAction(parse =>
        {
            var report = SubModelExport.Run(parse.GetValue(folder)!, parse.GetValue(output)!, parse.GetValue(overwrite),
                new Lines(stdout));
            stdout.WriteLine($"wrote {Path.GetFullPath(parse.GetValue(output)!)} ({report.Method} {report.Pattern}, {report.Layers.Count} layers)");
            return 0;
        });
        return command;
    }

    // Reports on the calling thread, in order.
    private sealed class Lines(TextWriter stdout) : IProgress<(int Layer, int Layers)>
    {
        public void Report((int Layer, int Layers) value) => stdout.WriteLine($"layer {value.Layer + 1}/{value.Layers} written");
    }
}
