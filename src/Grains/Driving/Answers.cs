namespace Shear.Grains.Driving;

/// <summary>
/// When each piece of work a driving grain follows last answered (counted from this activation's first call to it), so a
/// silent one can be given up after a patience: the bookkeeping of "asked again next round".
/// </summary>
public sealed class Answers
{
    private readonly Dictionary<string, DateTime> _at = [];

    /// <summary>Notes that <paramref name="work"/> answered now.</summary>
    public void Answered(string work) => _at[work] = DateTime.UtcNow;

    /// <summary>How long since <paramref name="work"/> last answered (zero at the first call).</summary>
    public TimeSpan Waited(string work)
    {
        if (!_at.TryGetValue(work, out var at))
        {
            _at[work] = at = DateTime.UtcNow;
        }

        return DateTime.UtcNow - at;
    }
}
