using Orleans.Storage;

namespace Shear.Grains;

/// <summary>
/// Grain-state writes that ride out a storage outage (Redis restarting with its data): retried with backoff for up to
/// <see cref="Patience"/>, then the error goes to the caller. The one retry policy for persistence.
/// </summary>
public static class StateWrites
{
    /// <summary>How long a write keeps trying.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    /// <summary>Writes <paramref name="state"/>, retrying while storage is unreachable.</summary>
    public static async Task Persist<T>(IPersistentState<T> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var until = DateTime.UtcNow + Patience;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await state.WriteStateAsync();
                return;
            }
            catch (Exception e) when (IsOutage(e) && DateTime.UtcNow < until)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 250 * attempt)));
            }
        }
    }

    // Storage that cannot be reached (as opposed to a state conflict, which retrying cannot fix).
    private static bool IsOutage(Exception e) => e is not InconsistentStateException
        && (e is TimeoutException or OrleansException || e.GetType().FullName?.StartsWith("StackExchange.Redis.", StringComparison.Ordinal) == true
            || (e.InnerException is { } inner && IsOutage(inner)));
}
