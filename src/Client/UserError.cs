using Shear.Numerics.Checkpoints;
using Shear.Numerics.Data;
using Shear.Numerics.Models;
using Shear.Numerics.Tokenization;

namespace Shear.Client;

/// <summary>Which exceptions are the user's input at fault (reported as one line), as opposed to bugs (crash).</summary>
internal static class UserError
{
    public static bool IsUserError(Exception e) => e is CheckpointFormatException or ModelConfigException or TokenizerFormatException or DataFormatException
        or ArgumentException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or NotSupportedException or IOException
        or Sweeps.ClusterUnavailableException or Numerics.Evaluation.Code.SandboxUnavailableException or Grains.Abstractions.Errors.BadInputException;

    public static string OneLine(Exception e)
    {
        var message = e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;
        return message.ReplaceLineEndings(" ");
    }
}
