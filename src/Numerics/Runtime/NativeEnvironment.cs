using System.Runtime.InteropServices;

namespace Shear.Numerics.Runtime;

/// <summary>Sets process environment variables where native code (libtorch's <c>getenv</c>) sees them.</summary>
internal static partial class NativeEnvironment
{
    // Environment.SetEnvironmentVariable only updates the managed copy on Linux; libc's environ is untouched.
    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);

    /// <summary>Sets <paramref name="name"/> unless the user already set it.</summary>
    public static void SetDefault(string name, string value)
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(name) is not null)
        {
            return;
        }

        Environment.SetEnvironmentVariable(name, value);
        _ = SetEnv(name, value, 0);
    }
}
