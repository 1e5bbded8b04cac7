using Shear.Grains.Abstractions.Errors;
using Shear.Numerics.Checkpoints;
using Shear.Numerics.Data;
using Shear.Numerics.Models;
using Shear.Numerics.Tokenization;

namespace Shear.Grains;

/// <summary>
/// Errors that cross grain boundaries: Numerics' input errors have no Orleans codec, so they travel as
/// <see cref="BadInputException"/> with the same one-line message (the client prints it as is; the grains never retry it).
/// </summary>
public static class GrainErrors
{
    /// <summary>Runs <paramref name="work"/>, turning input errors into <see cref="BadInputException"/>.</summary>
    public static T Translate<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            return work();
        }
        catch (Exception e) when (IsInput(e))
        {
            throw new BadInputException(e.Message); // no inner exception: it has no codec either
        }
    }

    /// <summary>The same for work without a result.</summary>
    public static void Translate(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        Translate(() =>
        {
            work();
            return 0;
        });
    }

    /// <summary>Checks a request where text entered (a sweep submitted): its <see cref="ArgumentException"/>s are the user's input at fault too.</summary>
    public static void Check(Action validate)
    {
        ArgumentNullException.ThrowIfNull(validate);
        try
        {
            Translate(validate);
        }
        catch (ArgumentException e)
        {
            throw new BadInputException(e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal));
        }
    }

    private static bool IsInput(Exception e) => e is DataFormatException or CheckpointFormatException or ModelConfigException or TokenizerFormatException
        or FileNotFoundException or DirectoryNotFoundException or IOException or UnauthorizedAccessException or Numerics.Evaluation.Code.SandboxUnavailableException;
}
