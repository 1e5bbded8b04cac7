using System.Buffers.Binary;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using Shear.Numerics.IO;
using TorchSharp;

namespace Shear.Numerics.Checkpoints;

/// <summary>
/// Writes a checkpoint tensor by tensor, in any order, with at most one tensor in memory: every file's header (and
/// the index) is written first from the <see cref="CheckpointLayout"/>, each file is sized to its final length, and each
/// tensor's bytes go to their offset when it is ready. The folder is a readable checkpoint from the start (tensors not
/// yet written read as zeros), so a layer written here can be read back by another worker while later layers are still
/// being computed, and a resumed job reopens the folder and rewrites from its first unfinished layer. Call
/// <see cref="Flush"/> (fsync) before the folder is renamed into place.
/// </summary>
public sealed class StreamingCheckpointWriter : IDisposable
{
    private const int CopyBuffer = 16 << 20;
    private readonly Dictionary<string, (SafeFileHandle Handle, long Offset, TensorSpec Spec)> _where = new(StringComparer.Ordinal);
    private readonly List<SafeFileHandle> _handles = [];

    private StreamingCheckpointWriter(string directory) => Directory = directory;

    /// <summary>The folder written.</summary>
    public string Directory { get; }

    /// <summary>Creates every file of <paramref name="layout"/> in <paramref name="directory"/> (headers, index, full sizes).</summary>
    public static StreamingCheckpointWriter Create(string directory, CheckpointLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        System.IO.Directory.CreateDirectory(directory);
        var writer = new StreamingCheckpointWriter(directory);
        Span<byte> length = stackalloc byte[8];
        try
        {
            foreach (var (file, tensors) in layout.Files)
            {
                var header = SafetensorsWriter.BuildHeader(tensors, layout.Metadata);
                var handle = File.OpenHandle(Path.Combine(directory, file), FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
                writer._handles.Add(handle);
                BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
                RandomAccess.Write(handle, length, 0);
                RandomAccess.Write(handle, header, 8);
                long offset = 8 + header.Length;
                foreach (var t in tensors)
                {
                    writer._where[t.Name] = (handle, offset, t);
                    offset += t.ByteLength;
                }

                RandomAccess.SetLength(handle, offset);
            }

            if (layout.Indexed)
            {
                var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
                foreach (var (file, tensors) in layout.Files)
                {
                    tensors.ToList().ForEach(t => weightMap[t.Name] = file);
                }

                var index = new { metadata = new { total_size = layout.Tensors.Sum(t => t.ByteLength) }, weight_map = weightMap };
                AtomicFile.WriteAllText(Path.Combine(directory, CheckpointReader.IndexFileName), JsonSerializer.Serialize(index, JsonOptions.Indented));
            }

            return writer;
        }
        catch
        {
            writer.Dispose();
            throw;
        }
    }

    /// <summary>Reopens a folder made by <see cref="Create"/> (a resumed job) to write more tensors into it.</summary>
    public static StreamingCheckpointWriter Open(string directory)
    {
        using var reader = CheckpointReader.Open(directory);
        var writer = new StreamingCheckpointWriter(directory);
        try
        {
            foreach (var file in reader.Names.Select(reader.FileOf).Distinct(StringComparer.Ordinal))
            {
                var path = Path.Combine(directory, file);
                var header = SafetensorsHeader.Read(path);
                var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
                writer._handles.Add(handle);
                foreach (var e in header.Tensors.Values)
                {
                    writer._where[e.Name] = (handle, header.DataStart + e.Begin, new TensorSpec(e.Name, e.DType, e.Shape));
                }
            }

            return writer;
        }
        catch
        {
            writer.Dispose();
            throw;
        }
    }

    /// <summary>The stored dtype of a tensor.</summary>
    public torch.ScalarType DTypeOf(string name) => Place(name).Spec.DType;

    /// <summary>Writes one tensor, converted to its stored dtype; its shape must be the layout's.</summary>
    public void Write(string name, torch.Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var (handle, offset, spec) = Place(name);
        if (!tensor.shape.SequenceEqual(spec.Shape))
        {
            throw new ArgumentException($"tensor '{name}' is [{string.Join(",", tensor.shape)}] but the checkpoint stores [{string.Join(",", spec.Shape)}]", nameof(tensor));
        }

        using var scope = torch.NewDisposeScope();
        TensorBytes.WriteAt(tensor.to_type(spec.DType).cpu().contiguous(), handle, offset);
    }

    /// <summary>Copies one tensor's stored bytes from <paramref name="source"/> (same dtype and shape), without tensors.</summary>
    public void Copy(string name, CheckpointReader source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var (handle, offset, spec) = Place(name);
        var entry = source.Entry(name);
        if (entry.DType != spec.DType || !entry.Shape.SequenceEqual(spec.Shape))
        {
            throw new ArgumentException($"tensor '{name}' of {source.Directory} is {entry.DType} [{string.Join(",", entry.Shape)}], the layout says {spec.DType} [{string.Join(",", spec.Shape)}]", nameof(source));
        }

        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(CopyBuffer);
        try
        {
            source.CopyBytes(name, (span, at) => RandomAccess.Write(handle, span, offset + at), buffer);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Forces every file's data to disk (before the folder is renamed into place).</summary>
    public void Flush() => _handles.ForEach(h => RandomAccess.FlushToDisk(h));

    private (SafeFileHandle Handle, long Offset, TensorSpec Spec) Place(string name) =>
        _where.TryGetValue(name, out var place) ? place : throw new KeyNotFoundException($"{Directory}: the checkpoint being written has no tensor '{name}'");

    /// <inheritdoc />
    public void Dispose()
    {
        _handles.ForEach(h => h.Dispose());
        _handles.Clear();
    }
}
