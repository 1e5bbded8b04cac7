using System.Runtime.InteropServices;

namespace Shear.Numerics.Runtime;

/// <summary>
/// Hands freed native memory back to the OS (glibc's <c>malloc_trim</c>). libtorch frees a layer's tensors into
/// glibc's arenas, which keep them: over a 7B-sized layer loop that retention shows as RSS well above what is live.
/// The layer loop trims after each layer's steps. <c>SHEAR_NO_MALLOC_TRIM=1</c> turns it off (to measure the difference).
/// </summary>
public static partial class NativeHeap
{
    private static readonly bool Enabled = OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("SHEAR_NO_MALLOC_TRIM") != "1";

    /// <summary>Returns free heap memory to the OS where the C library can.</summary>
    public static void Trim()
    {
        if (!Enabled)
        {
            return;
        }

        try
        {
            _ = MallocTrim(0);
        }
        catch (EntryPointNotFoundException)
        {
            // not glibc (musl): nothing to do
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
