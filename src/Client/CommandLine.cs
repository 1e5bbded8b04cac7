using System.CommandLine;
using Shear.Client.Commands;

namespace Shear.Client;

/// <summary>The <c>shear</c> command tree and its error policy: bad input is one line on stderr and exit code 2.</summary>
internal static class CommandLine
{
    public const int BadInput = 2;

    /// <summary>Exit code of an internal error (a bug): EX_SOFTWARE.</summary>
    public const int InternalError = 70;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("Shear: domain-specific sub-models of LLMs by pruning.")
        {
            GenerateCommand.Create(stdout),
            InspectCommand.Create(stdout),
            ExportCommand.Create(stdout),
            PruneCommand.Create(stdout),
            EvalCommand.Create(stdout),
            CompareCommand.Create(stdout),
            SweepCommand.Create(stdout),
            DemoCommand.Create(stdout),
            DataCommand.Create(stdout),
            TrainTinyCommand.Create(stdout),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // The most telling error first: an unrecognized word says more than "Required command was not provided".
            var error = parsed.Errors.FirstOrDefault(e => e.Message.Contains('\'', StringComparison.Ordinal)) ?? parsed.Errors[0];
            stderr.WriteLine($"error: {error.Message.ReplaceLineEndings(" ")}");
            return BadInput;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (UserError.IsUserError(e))
        {
            stderr.WriteLine($"error: {UserError.OneLine(e)}");
            return BadInput;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug, not the user's input: one line, the full trace in a file (the top-level loop is the one place that catches everything).
            var log = Path.Combine(Path.GetTempPath(), $"shear-internal-error-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}.log");
            try
            {
                File.WriteAllText(log, $"shear {string.Join(' ', args)}\n{e}\n");
            }
            catch (IOException)
            {
                log = "(could not be written)";
            }

            stderr.WriteLine($"internal error: {e.GetType().Name}: {UserError.OneLine(e)} (full trace: {log})");
            return InternalError;
        }
    }
}
