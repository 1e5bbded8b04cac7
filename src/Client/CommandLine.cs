using System.CommandLine;
using Shear.Client.Commands;

namespace Shear.Client;

/// <summary>The <c>shear</c> command tree and its error policy: bad input is one line on stderr and exit code 2.</summary>
internal static class CommandLine
{
    public const int BadInput = 2;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("Shear: domain-specific sub-models of LLMs by pruning.")
        {
            GenerateCommand.Create(stdout),
            InspectCommand.Create(stdout),
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
            stderr.WriteLine($"error: {parsed.Errors[0].Message}");
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
    }
}
