using System.Diagnostics;

namespace Shear.Numerics.IO;

/// <summary>
/// Fault injection for the crash tests: with <c>SHEAR_CRASH_AT=NAME</c> in its environment, the process kills itself
/// (SIGKILL, as the kernel's OOM killer or a node loss would) when it reaches the point called NAME. Unset, a point
/// costs one comparison.
/// </summary>
public static class CrashPoint
{
    private static readonly string? At = Environment.GetEnvironmentVariable("SHEAR_CRASH_AT");

    /// <summary>Dies here if this is the chosen point.</summary>
    public static void Reach(string name)
    {
        if (At is not null && At == name)
        {
            using var self = Process.GetCurrentProcess();
            self.Kill();
            Thread.Sleep(Timeout.Infinite);
        }
    }
}
