using System.Globalization;
using TorchSharp;

namespace Shear.Numerics.Checkpoints;

/// <summary>What one tensor of a checkpoint is, without its data.</summary>
/// <param name="Name">The HF state-dict key.</param>
/// <param name="DType">Its stored dtype.</param>
/// <param name="Shape">Its shape.</param>
public sealed record TensorSpec(string Name, torch.ScalarType DType, long[] Shape)
{
    /// <summary>Bytes of data.</summary>
    public long ByteLength => Shape.Aggregate(1L, (a, b) => a * b) * SafetensorsDType.SizeOf(DType);

    /// <summary>The spec of a tensor as it is.</summary>
    public static TensorSpec Of(string name, torch.Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return new TensorSpec(name, tensor.dtype, tensor.shape);
    }
}

/// <summary>
/// The files of a checkpoint and the tensors each holds, in data order: one <c>model.safetensors</c>, or shards
/// <c>model-0000i-of-0000n.safetensors</c> listed by <c>model.safetensors.index.json</c>. Known before any data is
/// written, so a checkpoint can be written tensor by tensor (<see cref="StreamingCheckpointWriter"/>).
/// </summary>
public sealed class CheckpointLayout
{
    private CheckpointLayout(IReadOnlyList<(string File, IReadOnlyList<TensorSpec> Tensors)> files, IReadOnlyDictionary<string, string> metadata, bool indexed)
    {
        Files = files;
        Metadata = metadata;
        Indexed = indexed;
    }

    /// <summary>Each file with its tensors in data order.</summary>
    public IReadOnlyList<(string File, IReadOnlyList<TensorSpec> Tensors)> Files { get; }

    /// <summary>The <c>__metadata__</c> of every file.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>True when the checkpoint has an index file (several shards, or a base that had one).</summary>
    public bool Indexed { get; }

    /// <summary>Every tensor, file by file.</summary>
    public IEnumerable<TensorSpec> Tensors => Files.SelectMany(f => f.Tensors);

    /// <summary>HF's sharding: tensors in the given order, a new shard when the next would pass <paramref name="maxShardBytes"/>.</summary>
    public static CheckpointLayout Split(IReadOnlyList<TensorSpec> tensors, long maxShardBytes = CheckpointWriter.DefaultMaxShardBytes)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxShardBytes);
        var shards = new List<List<TensorSpec>> { new() };
        long current = 0;
        foreach (var t in tensors)
        {
            if (current > 0 && current + t.ByteLength > maxShardBytes)
            {
                shards.Add([]);
                current = 0;
            }

            shards[^1].Add(t);
            current += t.ByteLength;
        }

        var metadata = new Dictionary<string, string> { ["format"] = "pt" };
        if (shards.Count == 1)
        {
            return new CheckpointLayout([(CheckpointReader.SingleFileName, shards[0])], metadata, indexed: false);
        }

        var files = shards.Select((s, i) => (string.Create(CultureInfo.InvariantCulture, $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors"), (IReadOnlyList<TensorSpec>)s)).ToList();
        return new CheckpointLayout(files, metadata, indexed: true);
    }

    /// <summary>The layout of an existing checkpoint: its files, their tensors in their data order, its dtypes and metadata.</summary>
    public static CheckpointLayout Like(CheckpointReader source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var files = source.Names.GroupBy(source.FileOf, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<TensorSpec>)g.Select(source.Entry).OrderBy(e => e.Begin)
                .Select(e => new TensorSpec(e.Name, e.DType, e.Shape)).ToList()))
            .ToList();
        var metadata = source.Metadata(files[0].Key);
        return new CheckpointLayout(files, metadata, source.Indexed);
    }
}
