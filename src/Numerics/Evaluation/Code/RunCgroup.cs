namespace Shear.Numerics.Evaluation.Code;

/// <summary>
/// One sandbox run's own cgroup (v1 memory and pids controllers, root only): the run's processes together get at most
/// its memory and process budget, shared with no other run. Where the controllers are not writable (not root, cgroup
/// v2 only) the per-process limits of <c>prlimit</c> are what holds.
/// </summary>
internal sealed class RunCgroup : IDisposable
{
    private const string Memory = "/sys/fs/cgroup/memory";
    private const string Pids = "/sys/fs/cgroup/pids";
    private readonly string[] _groups;

    private RunCgroup(string[] groups) => _groups = groups;

    /// <summary>Whether per-run cgroups can be made here.</summary>
    public static bool Available { get; } = OperatingSystem.IsLinux() && Environment.UserName == "root"
        && File.Exists(Path.Combine(Memory, "cgroup.procs")) && File.Exists(Path.Combine(Pids, "cgroup.procs"));

    /// <summary>The cgroup.procs files a run's first process writes its pid to.</summary>
    public IEnumerable<string> ProcsFiles => _groups.Select(g => Path.Combine(g, "cgroup.procs"));

    /// <summary>Makes the groups with their limits, or returns null where that is not possible.</summary>
    public static RunCgroup? Create(long memoryBytes, int processes)
    {
        if (!Available)
        {
            return null;
        }

        var id = $"shear-sandbox-{Environment.ProcessId}-{Guid.NewGuid():N}";
        var memory = Path.Combine(Memory, id);
        var pids = Path.Combine(Pids, id);
        try
        {
            Directory.CreateDirectory(memory);
            Directory.CreateDirectory(pids);
            File.WriteAllText(Path.Combine(memory, "memory.limit_in_bytes"), memoryBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
            File.WriteAllText(Path.Combine(pids, "pids.max"), processes.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return new RunCgroup([memory, pids]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            new RunCgroup([memory, pids]).Dispose();
            return null;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var g in _groups)
        {
            // The run's pid namespace is gone, so the group empties within moments.
            for (int i = 0; i < 50 && Directory.Exists(g); i++)
            {
                try
                {
                    Directory.Delete(g);
                }
                catch (IOException)
                {
                    Thread.Sleep(20);
                }
            }
        }
    }
}
