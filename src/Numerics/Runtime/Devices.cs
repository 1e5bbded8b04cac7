using static TorchSharp.torch;

namespace Shear.Numerics.Runtime;

/// <summary>
/// Device selection: <c>auto</c> (cuda when the libtorch in use has CUDA and sees a GPU, else cpu), <c>cpu</c>,
/// <c>cuda</c> (= <c>cuda:0</c>) or <c>cuda:N</c>; each device's default compute dtype (bf16 on CUDA, fp32 on CPU;
/// statistics, Hessians and scores are accumulated in fp32/fp64 either way).
/// </summary>
public static class Devices
{
    /// <summary>How to get a libtorch with CUDA.</summary>
    public const string CudaBuildHint = "build Shear with -p:ShearTorchBackend=cuda (TorchSharp-cuda-linux; the GPU image does; it is not served on these machines, so the default build is CPU-only)";

    /// <summary>What this process can use: whether its libtorch has CUDA, and how many GPUs it sees.</summary>
    public static (bool HasCuda, int Gpus) Inventory()
    {
        TorchRuntime.EnsureInitialized();
        bool cuda = TorchSharp.torch.cuda.is_available();
        return (cuda, cuda ? TorchSharp.torch.cuda.device_count() : 0);
    }

    /// <summary>The torch device name for <paramref name="spec"/> on this process's inventory.</summary>
    /// <exception cref="ArgumentException">Unknown, or not there (one line naming the backend and how to get CUDA).</exception>
    public static string Resolve(string spec, string option = "--device")
    {
        var (cuda, gpus) = Inventory();
        return Resolve(spec, cuda, gpus, option);
    }

    /// <summary>The torch device name for <paramref name="spec"/> given an inventory (tests pass fake ones).</summary>
    /// <exception cref="ArgumentException">Unknown, or not there (named).</exception>
    public static string Resolve(string spec, bool hasCuda, int gpus, string option = "--device")
    {
        ArgumentNullException.ThrowIfNull(spec);
        var s = spec.Trim().ToLowerInvariant();
        if (s == "auto")
        {
            return hasCuda && gpus > 0 ? "cuda:0" : "cpu";
        }

        if (s == "cpu")
        {
            return "cpu";
        }

        int index;
        if (s == "cuda")
        {
            index = 0;
        }
        else if (!s.StartsWith("cuda:", StringComparison.Ordinal) || !int.TryParse(s.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index))
        {
            throw new ArgumentException($"{option} {spec}: expected auto, cpu, cuda or cuda:N");
        }

        if (!hasCuda)
        {
            throw new ArgumentException($"{option} {spec}: the libtorch in use is the CPU build (no CUDA); {CudaBuildHint}");
        }

        if (index >= gpus)
        {
            throw new ArgumentException(gpus == 0
                ? $"{option} {spec}: libtorch has CUDA but sees no GPU on this node"
                : $"{option} {spec}: this node has {gpus} CUDA device{(gpus == 1 ? "" : "s")} (cuda:0{(gpus > 1 ? $"..cuda:{gpus - 1}" : "")})");
        }

        return $"cuda:{index}";
    }

    /// <summary>
    /// The devices a silo computes on from its <c>Shear:Devices</c> setting <paramref name="spec"/>: null, empty or
    /// <c>auto</c> = every visible GPU (<c>cuda:0</c> ... <c>cuda:G-1</c>), else <c>cpu</c>; otherwise a comma-separated
    /// list of <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>, each checked against the inventory, none twice.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown, absent or repeated device (named with the setting).</exception>
    public static IReadOnlyList<string> ForSilo(string? spec, bool hasCuda, int gpus, string setting = "Shear:Devices")
    {
        if (string.IsNullOrWhiteSpace(spec) || spec.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            return hasCuda && gpus > 0 ? [.. Enumerable.Range(0, gpus).Select(i => $"cuda:{i}")] : ["cpu"];
        }

        var devices = new List<string>();
        foreach (var part in spec.Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.Length == 0 || part.Equals("auto", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"{setting}={spec}: expected auto, or a list of cpu, cuda and cuda:N");
            }

            var device = Resolve(part, hasCuda, gpus, $"{setting}={spec}:");
            if (devices.Contains(device))
            {
                throw new ArgumentException($"{setting}={spec}: {device} is named twice");
            }

            devices.Add(device);
        }

        return devices;
    }

    /// <summary>As <see cref="ForSilo(string?, bool, int, string)"/> on this process's inventory.</summary>
    /// <exception cref="ArgumentException">Unknown, absent or repeated device (named).</exception>
    public static IReadOnlyList<string> ForSilo(string? spec)
    {
        var (cuda, gpus) = Inventory();
        return ForSilo(spec, cuda, gpus);
    }

    /// <summary>
    /// The model options of <c>--device</c> <paramref name="deviceSpec"/> and <c>--dtype</c> <paramref name="dtype"/>
    /// (null: the device's default dtype).
    /// </summary>
    /// <exception cref="ArgumentException">An unknown or absent device (named).</exception>
    public static Models.ModelOptions Options(string deviceSpec, Experiment.ComputeDType? dtype) => On(Resolve(deviceSpec), dtype);

    /// <summary>The model options on the resolved device <paramref name="device"/>: <paramref name="dtype"/>, or the device's default (bf16 on CUDA, fp32 on CPU).</summary>
    public static Models.ModelOptions On(string device, Experiment.ComputeDType? dtype) =>
        new(dtype is { } d ? Models.ModelOptions.ScalarTypeOf(d) : DefaultDType(device), DeviceName: device);

    /// <summary>Whether the torch device name <paramref name="deviceName"/> is a GPU (<c>cuda</c>, <c>cuda:N</c>).</summary>
    public static bool IsCuda(string deviceName)
    {
        ArgumentNullException.ThrowIfNull(deviceName);
        return deviceName.StartsWith("cuda", StringComparison.Ordinal);
    }

    /// <summary>The default compute dtype on <paramref name="deviceName"/>: bf16 on CUDA, fp32 on CPU.</summary>
    public static ScalarType DefaultDType(string deviceName) => IsCuda(deviceName) ? ScalarType.BFloat16 : ScalarType.Float32;
}
