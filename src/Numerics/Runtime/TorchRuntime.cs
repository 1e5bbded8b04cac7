using System.Runtime.CompilerServices;

namespace Shear.Numerics.Runtime;

/// <summary>
/// The one place that prepares the process for libtorch on this OS. It runs automatically as this
/// assembly's module initializer, i.e. before any Numerics code can make a torch call, and is idempotent.
/// </summary>
/// <remarks>
/// Two things, both measured in shared/TORCHSHARP.md:
/// <list type="number">
/// <item>TorchSharp's glue <c>libLibTorchSharp.so</c> declares a need for <c>GLIBCXX_3.4.32</c>; Debian 12
/// ships 3.4.30. No relocation uses a symbol of that version, so the copy in the build output is patched to
/// mark the requirement weak (<c>VER_FLG_WEAK</c>) when, and only when, the loaded libstdc++ lacks it.
/// The NuGet cache is never touched; the patched file is written beside it and renamed over it.</item>
/// <item>Fresh pages are expensive in these VMs; libtorch's huge-page allocator (<c>THP_MEM_ALLOC_ENABLE=1</c>)
/// cuts a 64 MB allocation from ~130 ms to ~10 ms. It must be set with libc <c>setenv</c> before libtorch starts.</item>
/// </list>
/// </remarks>
public static class TorchRuntime
{
    private const string GlueLibrary = "libLibTorchSharp.so";
    private static readonly Lock Gate = new();
    private static bool _initialized;

    /// <summary>Versions weakened in the glue library by this process (empty when nothing had to change).</summary>
    public static IReadOnlyList<string> PatchedVersions { get; private set; } = [];

    /// <summary>Why the load fix could not be applied, or null.</summary>
    public static string? PatchError { get; private set; }

#pragma warning disable CA2255 // A module initializer is the point: callers must not have to remember to call this.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() => EnsureInitialized();

    /// <summary>Applies the load fix and memory setting once per process.</summary>
    public static void EnsureInitialized()
    {
        lock (Gate)
        {
            if (_initialized)
            {
                return;
            }

            _initialized = true;
            NativeEnvironment.SetDefault("THP_MEM_ALLOC_ENABLE", "1");
            if (OperatingSystem.IsLinux())
            {
                PatchGlueLibraries();
            }
        }
    }

    private static void PatchGlueLibraries()
    {
        try
        {
            PatchedVersions = GlueCandidates().SelectMany(ElfVersionPatcher.PatchIfNeeded).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            PatchError = $"could not apply the libstdc++ version fix to {GlueLibrary}: {e.Message}";
        }
    }

    private static IEnumerable<string> GlueCandidates()
    {
        var baseDir = AppContext.BaseDirectory;
        string[] dirs = [baseDir, Path.Combine(baseDir, "runtimes", "linux-x64", "native"), Path.Combine(baseDir, "cpu")];
        return dirs.Select(d => Path.Combine(d, GlueLibrary)).Where(File.Exists).Distinct();
    }
}
