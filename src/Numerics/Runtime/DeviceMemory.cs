using System.Diagnostics;
using System.Globalization;

namespace Shear.Numerics.Runtime;

/// <summary>
/// Free memory of a device: of each GPU as the NVIDIA driver reports it (<c>nvidia-smi --query-gpu=memory.free</c>, in its order,
/// which inside a container given some GPUs is the order CUDA numbers them), or null where there is no NVIDIA GPU or
/// driver (CPU silos export no GPU gauge at all); of the host as the kernel reports it (MemAvailable).
/// </summary>
public static class DeviceMemory
{
    /// <summary>Free bytes on <paramref name="device"/> now (cpu: MemAvailable; cuda:N: nvidia-smi), or null when not known.</summary>
    public static long? Free(string device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return device == "cpu" ? HostAvailable() : Of(FreeBytesPerGpu(), device.Contains(':', StringComparison.Ordinal) ? device : device + ":0");
    }

    /// <summary>The kernel's MemAvailable in bytes, or null (no /proc/meminfo).</summary>
    public static long? HostAvailable()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                {
                    var kb = line["MemAvailable:".Length..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) << 10;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            return null;
        }

        return null;
    }

    /// <summary>Free bytes of each visible GPU, or null.</summary>
    public static long[]? FreeBytesPerGpu()
    {
        var smi = new[] { "/usr/bin/nvidia-smi", "/usr/local/bin/nvidia-smi" }.FirstOrDefault(File.Exists);
        if (smi is null)
        {
            return null;
        }

        try
        {
            using var p = Process.Start(new ProcessStartInfo(smi, "--query-gpu=memory.free --format=csv,noheader,nounits") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var text = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(5000) || p.ExitCode != 0)
            {
                return null;
            }

            return Parse(text);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or FormatException or InvalidOperationException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>nvidia-smi's MiB per line as bytes per GPU.</summary>
    /// <exception cref="FormatException">A line that is not a whole number.</exception>
    public static long[] Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => long.Parse(l, CultureInfo.InvariantCulture) << 20)];
    }

    /// <summary>The free bytes of <paramref name="device"/> (<c>cuda:N</c>) in <paramref name="perGpu"/>, or null (cpu, not measured, not listed).</summary>
    public static long? Of(long[]? perGpu, string device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return perGpu is not null && device.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(device.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int i) && i < perGpu.Length
            ? perGpu[i]
            : null;
    }
}
