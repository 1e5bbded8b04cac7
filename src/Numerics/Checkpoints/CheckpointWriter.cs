using TorchSharp;

namespace Shear.Numerics.Checkpoints;

/// <summary>
/// Writes model weights into a folder in HF layout: one <c>model.safetensors</c> when it fits in one shard,
/// otherwise <c>model-0000i-of-0000n.safetensors</c> plus <c>model.safetensors.index.json</c>
/// (<see cref="CheckpointLayout.Split"/>), through the <see cref="StreamingCheckpointWriter"/>.
/// </summary>
public static class CheckpointWriter
{
    /// <summary>HF's default <c>max_shard_size</c> (5 GB).</summary>
    public const long DefaultMaxShardBytes = 5_000_000_000;

    /// <summary>Writes <paramref name="tensors"/> into <paramref name="directory"/> and returns the file names written.</summary>
    public static IReadOnlyList<string> Write(string directory, IReadOnlyList<KeyValuePair<string, torch.Tensor>> tensors, long maxShardBytes = DefaultMaxShardBytes)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var layout = CheckpointLayout.Split(tensors.Select(t => TensorSpec.Of(t.Key, t.Value)).ToList(), maxShardBytes);
        using (var writer = StreamingCheckpointWriter.Create(directory, layout))
        {
            foreach (var (name, tensor) in tensors)
            {
                writer.Write(name, tensor);
            }

            writer.Flush();
        }

        var names = layout.Files.Select(f => f.File).ToList();
        if (layout.Indexed)
        {
            names.Add(CheckpointReader.IndexFileName);
        }

        return names;
    }
}
