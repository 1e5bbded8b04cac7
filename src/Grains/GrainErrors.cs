using Shear.Numerics.Checkpoints;
using Shear.Numerics.Data;
using Shear.Numerics.Models;
using Shear.Numerics.Tokenization;

namespace Shear.Grains;

/// <summary>
/// Errors that cross grain boundaries: Numerics' input errors have no Orleans codec, so they travel as
/// <see cref="ArgumentException"/> with the same one-line message (the client prints it as is).
/// </summary>
public static class GrainErrors
{
    /// <summary>Runs <paramref name="work"/>, turning input errors into <see cref="ArgumentException"/>.</summary>
    public static T Translate<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            return work();
        }
        catch (Exception e) when (e is DataFormatException or CheckpointFormatException or ModelConfigException or TokenizerFormatException or FileNotFoundException or DirectoryNotFoundException or IOException or UnauthorizedAccessException
            or Numerics.Evaluation.Code.SandboxUnavailableException)
        {
            throw new ArgumentException(e.Message); // no inner exception: it has no codec either
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
}
