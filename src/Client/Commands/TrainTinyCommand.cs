using System.CommandLine;
using System.Globalization;
using Shear.Numerics.Training;
using Spectre.Console;

namespace Shear.Client.Commands;

/// <summary><c>shear train-tiny</c>: train the built-in tiny model on the built-in corpora.</summary>
internal static class TrainTinyCommand
{
    public static Command Create(TextWriter stdout)
    {
        var data = new Option<string>("--data") { Description = "Built-in corpora folder", DefaultValueFactory = _ => Path.Combine("data", "builtin") };
        var output = new Option<string>("--out") { Description = "Output checkpoint folder", DefaultValueFactory = _ => Path.Combine("models", "shear-tiny") };
        var steps = new Option<int>("--steps") { Description = "Optimizer steps", DefaultValueFactory = _ => 1200 };
        var seed = new Option<long>("--seed") { Description = "Seed", DefaultValueFactory = _ => 0 };
        var vocab = new Option<int>("--vocab") { Description = "BPE vocabulary size", DefaultValueFactory = _ => 4096 };
        var command = new Command("train-tiny", "Train the built-in tiny Llama-architecture model (tokenizer too) on CPU") { data, output, steps, seed, vocab };
        command.SetAction(parse =>
        {
            var options = new TinyTrainingOptions { Steps = parse.GetValue(steps), Seed = parse.GetValue(seed), VocabSize = parse.GetValue(vocab) };
            if (options.Steps <= 0)
            {
                throw new ArgumentException($"--steps must be positive, got {options.Steps}");
            }

            var report = ConsoleMode.IsInteractive(stdout)
                ? AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn()).Start(ctx =>
                {
                    var bar = ctx.AddTask("training", maxValue: options.Steps);
                    return TinyModelBuilder.Run(parse.GetValue(data)!, parse.GetValue(output)!, options, stdout.WriteLine, p =>
                    {
                        bar.Value = p.Step;
                        bar.Description = string.Create(CultureInfo.InvariantCulture, $"loss {p.TrainLoss:F3}");
                        if (p.HeldOutLoss is not null)
                        {
                            AnsiConsole.MarkupLine(Markup.Escape(Line(p, options.Steps)));
                        }
                    });
                })
                : TinyModelBuilder.Run(parse.GetValue(data)!, parse.GetValue(output)!, options, stdout.WriteLine, p => stdout.WriteLine(Line(p, options.Steps)));
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {Path.GetFullPath(parse.GetValue(output)!)} in {report.Seconds:F0} s"));
            return 0;
        });
        return command;
    }

    private static string Line(TrainingPoint p, int steps)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"step {p.Step}/{steps} loss {p.TrainLoss:F3} lr {p.LearningRate:E2} {p.Seconds:F0}s");
        return p.HeldOutLoss is { } h
            ? line + " | held-out " + string.Join(", ", h.Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.Key} {x.Value:F3}")))
            : line;
    }
}
