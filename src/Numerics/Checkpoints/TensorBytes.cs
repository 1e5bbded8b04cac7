using Microsoft.Win32.SafeHandles;
using TorchSharp;

namespace Shear.Numerics.Checkpoints;

/// <summary>Moves raw bytes between files and CPU tensor storage, in chunks (a Span tops out at 2 GiB).</summary>
internal static class TensorBytes
{
    private const long ChunkElementsBytes = 1L << 30;

    /// <summary>Reads <paramref name="entry"/>'s bytes from <paramref name="handle"/> into a new tensor.</summary>
    public static torch.Tensor Read(SafeFileHandle handle, string path, long dataStart, TensorEntry entry)
    {
        var tensor = torch.empty(entry.Shape, entry.DType);
        try
        {
            ForEachChunk(tensor, (span, byteOffset) =>
            {
                int got = 0;
                while (got < span.Length)
                {
                    int n = RandomAccess.Read(handle, span[got..], dataStart + entry.Begin + byteOffset + got);
                    if (n == 0)
                    {
                        throw new CheckpointFormatException(path, $"tensor '{entry.Name}' ended early: truncated file");
                    }

                    got += n;
                }
            });
            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    /// <summary>Writes a contiguous CPU tensor's bytes to <paramref name="stream"/>.</summary>
    public static void Write(torch.Tensor tensor, Stream stream) => ForEachChunk(tensor, (span, _) => stream.Write(span));

    /// <summary>Writes a contiguous CPU tensor's bytes into <paramref name="handle"/> at <paramref name="offset"/>.</summary>
    public static void WriteAt(torch.Tensor tensor, SafeFileHandle handle, long offset) =>
        ForEachChunk(tensor, (span, byteOffset) => RandomAccess.Write(handle, span, offset + byteOffset));

    private delegate void ChunkAction(Span<byte> span, long byteOffset);

    private static void ForEachChunk(torch.Tensor tensor, ChunkAction action)
    {
        long total = tensor.numel() * tensor.element_size();
        if (total == 0)
        {
            return;
        }

        if (total <= ChunkElementsBytes)
        {
            action(tensor.bytes, 0);
            return;
        }

        // Narrowed views of the flat tensor are contiguous, so each exposes its own <= 1 GiB span.
        using var flat = tensor.view(-1);
        long perChunk = ChunkElementsBytes / tensor.element_size();
        for (long start = 0; start < flat.shape[0]; start += perChunk)
        {
            using var part = flat.narrow(0, start, Math.Min(perChunk, flat.shape[0] - start));
            action(part.bytes, start * tensor.element_size());
        }
    }
}
