using System.Diagnostics;
using System.Globalization;

namespace Shear.Grains.Placement;

/// <summary>
/// Free memory of each GPU as the NVIDIA driver reports it (<c>nvidia-smi --query-gpu=memory.free</c>, in its order,
/// which inside a container given some GPUs is the order CUDA numbers them), or null where there is no NVIDIA GPU or
/// driver (CPU silos export no GPU gauge at all).
/// </summary>
public static class GpuMemory
{
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
