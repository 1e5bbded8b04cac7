using Shear.Numerics.Pruning.Loop;
using Spectre.Console;

namespace Shear.Client.Commands;

/// <summary>Shows layer-by-layer progress (and the texts of generated calibration): Spectre.Console bars on a terminal, one line per layer otherwise.</summary>
internal static class LayerProgressDisplay
{
    public static T Run<T>(TextWriter stdout, Func<IProgress<LayerLoop.Progress>, T> work)
    {
        if (!ConsoleMode.IsInteractive(stdout))
        {
            return work(new SyncProgress(p =>
            {
                if (p.Stage == "done")
                {
                    stdout.WriteLine($"layer {p.Layer + 1}/{p.Layers} done");
                }
                else if (p.Stage == "owl")
                {
                    stdout.WriteLine($"owl: outlier ratio of layer {p.Layer + 1}/{p.Layers}");
                }
                else if (p.Stage == "generate")
                {
                    stdout.WriteLine($"generated calibration: {p.Layer}/{p.Layers} texts");
                }
            }));
        }

        return AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var all = ctx.AddTask("layers");
                ProgressTask? current = null, owl = null, generate = null;
                return work(new SyncProgress(p =>
                {
                    if (p.Stage == "generate")
                    {
                        generate ??= ctx.AddTask("generated calibration: texts (dense model)");
                        (generate.MaxValue, generate.Value) = (p.Layers, p.Layer);
                        return;
                    }

                    if (p.Stage == "owl")
                    {
                        owl ??= ctx.AddTask("owl: outlier ratios (dense pass)", maxValue: p.Layers);
                        owl.Value = p.Layer + 1;
                        return;
                    }

                    all.MaxValue = p.Layers;
                    if (p.Stage == "observe")
                    {
                        current = ctx.AddTask($"layer {p.Layer}", maxValue: 3);
                    }

                    current?.Increment(1);
                    if (p.Stage == "done")
                    {
                        current?.StopTask();
                        all.Increment(1);
                    }
                }));
            });
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool out of order).</summary>
    private sealed class SyncProgress(Action<LayerLoop.Progress> report) : IProgress<LayerLoop.Progress>
    {
        public void Report(LayerLoop.Progress value) => report(value);
    }
}
