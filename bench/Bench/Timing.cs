using System.Diagnostics;

namespace Shear.Bench;

/// <summary>Median wall time of repeated runs after a warm-up.</summary>
internal static class Timing
{
    public static double MedianSeconds(Action action, int repeats = 5)
    {
        action();
        var times = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            times.Add(sw.Elapsed.TotalSeconds);
        }

        times.Sort();
        return times[times.Count / 2];
    }
}
