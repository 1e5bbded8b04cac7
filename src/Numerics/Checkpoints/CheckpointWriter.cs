using System.Globalization;
using System.Text.Json;
using Shear.Numerics.IO;
using TorchSharp;

namespace Shear.Numerics.Checkpoints;

/// <summary>
/// Writes model weights into a folder in HF layout: one <c>model.safetensors</c> when it fits in one shard,
/// otherwise <c>model-0000i-of-0000n.safetensors</c> plus <c>model.safetensors.index.json</c>.
/// </summary>
public static class CheckpointWriter
{
    /// <summary>HF's default <c>max_shard_size</c> (5 GB).</summary>
    public const long DefaultMaxShardBytes = 5_000_000_000;

    /// <summary>Writes <paramref name="tensors"/> into <paramref name="directory"/> and returns the file names written.</summary>
    public static IReadOnlyList<string> Write(string directory, IReadOnlyList<KeyValuePair<string, torch.Tensor>> tensors, long maxShardBytes = DefaultMaxShardBytes)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxShardBytes);
        System.IO.Directory.CreateDirectory(directory);
        var metadata = new Dictionary<string, string> { ["format"] = "pt" };
        var shards = Split(tensors, maxShardBytes);
        if (shards.Count == 1)
        {
            SafetensorsWriter.Write(Path.Combine(directory, CheckpointReader.SingleFileName), shards[0], metadata);
            return [CheckpointReader.SingleFileName];
        }

        var names = new List<string>();
        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < shards.Count; i++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors");
            SafetensorsWriter.Write(Path.Combine(directory, name), shards[i], metadata);
            names.Add(name);
            foreach (var (key, _) in shards[i])
            {
                weightMap[key] = name;
            }
        }

        long total = tensors.Sum(t => t.Value.numel() * t.Value.element_size());
        var index = new { metadata = new { total_size = total }, weight_map = weightMap };
        AtomicFile.WriteAllText(Path.Combine(directory, CheckpointReader.IndexFileName), JsonSerializer.Serialize(index, JsonOptions.Indented));
        names.Add(CheckpointReader.IndexFileName);
        return names;
    }

    private static List<List<KeyValuePair<string, torch.Tensor>>> Split(IReadOnlyList<KeyValuePair<string, torch.Tensor>> tensors, long maxShardBytes)
    {
        var shards = new List<List<KeyValuePair<string, torch.Tensor>>> { new() };
        long current = 0;
        foreach (var pair in tensors)
        {
            long bytes = pair.Value.numel() * pair.Value.element_size();
            if (current > 0 && current + bytes > maxShardBytes)
            {
                shards.Add([]);
                current = 0;
            }

            shards[^1].Add(pair);
            current += bytes;
        }

        return shards;
    }
}
