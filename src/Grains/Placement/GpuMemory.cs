using System.Diagnostics;
using System.Globalization;

namespace Shear.Grains.Placement;

/// <summary>
/// Free GPU memory as the NVIDIA driver reports it (<c>nvidia-smi --query-gpu=memory.free</c>, summed over this
/// silo's GPUs), or null where there is no NVIDIA GPU or driver (CPU silos export no GPU gauge at all).
/// </summary>
public static class GpuMemory
{
    /// <summary>Free bytes over all visible GPUs, or null.</summary>
    public static long? FreeBytes()
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

            long mib = 0;
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                mib += long.Parse(line, CultureInfo.InvariantCulture);
            }

            return mib << 20;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or FormatException or InvalidOperationException)
        {
            return null;
        }
    }
}
