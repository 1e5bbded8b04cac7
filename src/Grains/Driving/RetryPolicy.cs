using Shear.Grains.Abstractions.Errors;

namespace Shear.Grains.Driving;

/// <summary>
/// The grains' one retry policy: bad input is never retried; anything else (a silo lost, a transfer broken, storage
/// away, a bug) is retried with a growing pause, <see cref="Attempts"/> times in all, before the work is marked failed
/// with its reason. Prune jobs (per attempt), evaluation shards (per start) and grain-state writes use it.
/// </summary>
public static class RetryPolicy
{
    /// <summary>Attempts before a piece of work is marked failed.</summary>
    public const int Attempts = 10;

    /// <summary>Whether <paramref name="e"/> means the input is at fault (no retry can fix it).</summary>
    public static bool IsPermanent(Exception e) => e is BadInputException;

    /// <summary>Whether the work that failed with <paramref name="e"/> on attempt <paramref name="attempt"/> (1-based) is given up.</summary>
    public static bool GiveUp(Exception e, int attempt) => IsPermanent(e) || attempt >= Attempts;

    /// <summary>The pause before attempt <paramref name="attempt"/> + 1: long enough for membership to declare a lost silo dead.</summary>
    public static TimeSpan Pause(int attempt) => TimeSpan.FromSeconds(Math.Min(30, 5 * Math.Max(1, attempt)));

    /// <summary>The one-line reason a failure is shown with: bad input as it reads, anything else with its type.</summary>
    public static string Reason(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return IsPermanent(e) ? e.Message : $"{e.GetType().Name}: {e.Message}";
    }
}
