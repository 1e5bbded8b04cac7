using System.Collections.Concurrent;

namespace Shear.Tests.Shared;

/// <summary>
/// Temporary folders of one test process, under <c>TMP/NAME/PID-RUN/</c>, removed when the process exits, so a run's
/// sub-models and checkpoints (gigabytes over a full run) do not pile up in /tmp; linked into each test project.
/// </summary>
internal static class TestTemp
{
    private static readonly string RunId = $"{Environment.ProcessId}-{Guid.NewGuid():N}";
    private static readonly ConcurrentDictionary<string, bool> Roots = new();
    private static readonly Lazy<bool> Cleanup = new(() =>
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var root in Roots.Keys)
            {
                try
                {
                    Directory.Delete(root, recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // a child process may still hold a file: what is left stays in /tmp
                }
            }
        };
        return true;
    });

    /// <summary>A new empty folder under <c>TMP/<paramref name="name"/></c> for this process.</summary>
    public static string NewDir(string name)
    {
        _ = Cleanup.Value;
        var root = Path.Combine(Path.GetTempPath(), name, RunId);
        Roots.TryAdd(root, true);
        var dir = Path.Combine(root, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
