using Shear.Numerics.Evaluation;
using Spectre.Console;

namespace Shear.Client.Commands;

/// <summary>Shows benchmark progress: one Spectre.Console bar per benchmark on a terminal, a line per finished benchmark otherwise.</summary>
internal static class EvalProgressDisplay
{
    public static T Run<T>(TextWriter stdout, Func<EvalProgress, Action<string>, T> work)
    {
        if (!ConsoleMode.IsInteractive(stdout))
        {
            return work((benchmark, done, total) =>
            {
                if (done == total)
                {
                    stdout.WriteLine($"{benchmark}: {total}/{total} done");
                }
            }, stdout.WriteLine);
        }

        return AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                return work((benchmark, done, total) =>
                {
                    if (!tasks.TryGetValue(benchmark, out var task))
                    {
                        task = tasks[benchmark] = ctx.AddTask(Markup.Escape(benchmark), maxValue: total);
                    }

                    task.MaxValue = total;
                    task.Value = done;
                }, line => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(line)}[/]"));
            });
    }
}
