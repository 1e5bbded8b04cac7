using Microsoft.Win32.SafeHandles;
using TorchSharp;

namespace Shear.Numerics.Checkpoints;

/// <summary>
/// An open safetensors file: the header is read on open; each tensor's bytes are read only when asked for,
/// straight into a new tensor's storage.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    private readonly SafeFileHandle _handle;

    private SafetensorsFile(string path, SafetensorsHeader header, SafeFileHandle handle)
    {
        Path = path;
        Header = header;
        _handle = handle;
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>The parsed header.</summary>
    public SafetensorsHeader Header { get; }

    /// <summary>Opens a file and validates its header.</summary>
    /// <exception cref="CheckpointFormatException">Missing, truncated or malformed file.</exception>
    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new CheckpointFormatException(path, "file not found");
        }

        var header = SafetensorsHeader.Read(path);
        return new SafetensorsFile(path, header, File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess));
    }

    /// <summary>True when the file holds <paramref name="name"/>.</summary>
    public bool Contains(string name) => Header.Tensors.ContainsKey(name);

    /// <summary>Reads one tensor (CPU, its stored dtype); the caller owns the result.</summary>
    /// <exception cref="KeyNotFoundException">No tensor of that name.</exception>
    public torch.Tensor Read(string name)
    {
        if (!Header.Tensors.TryGetValue(name, out var entry))
        {
            throw new KeyNotFoundException($"{Path}: no tensor named '{name}'");
        }

        return TensorBytes.Read(_handle, Path, Header.DataStart, entry);
    }

    /// <summary>Hands <paramref name="entry"/>'s stored bytes to <paramref name="destination"/> (span, offset within the tensor) chunk by chunk.</summary>
    public void CopyBytes(TensorEntry entry, Action<ReadOnlySpan<byte>, long> destination, byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(buffer);
        for (long done = 0; done < entry.ByteLength;)
        {
            int want = (int)Math.Min(buffer.Length, entry.ByteLength - done);
            int n = RandomAccess.Read(_handle, buffer.AsSpan(0, want), Header.DataStart + entry.Begin + done);
            if (n == 0)
            {
                throw new CheckpointFormatException(Path, $"tensor '{entry.Name}' ended early: truncated file");
            }

            destination(buffer.AsSpan(0, n), done);
            done += n;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();
}
