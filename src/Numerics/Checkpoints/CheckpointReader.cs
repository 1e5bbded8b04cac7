using System.Text.Json;
using TorchSharp;

namespace Shear.Numerics.Checkpoints;

/// <summary>
/// The weights of an HF checkpoint folder: one <c>model.safetensors</c>, or shards listed by
/// <c>model.safetensors.index.json</c>. Shards are opened lazily, so reading one layer touches only its files. A
/// masks-only sub-model (<see cref="SubModel"/>) opens as its base with the masks applied on read: every reader of
/// models (eval, generate, compare, inspect, the layer loop's shards) takes either.
/// </summary>
public sealed class CheckpointReader : IDisposable
{
    /// <summary>The single-file weights name.</summary>
    public const string SingleFileName = "model.safetensors";

    /// <summary>The shard index name.</summary>
    public const string IndexFileName = "model.safetensors.index.json";

    private readonly Dictionary<string, string> _fileOf;
    private readonly Dictionary<string, SafetensorsFile> _open = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private MaskOverlay? _overlay;

    private CheckpointReader(string directory, Dictionary<string, string> fileOf, bool indexed)
    {
        Directory = directory;
        _fileOf = fileOf;
        Indexed = indexed;
    }

    /// <summary>True when the weights are listed by <see cref="IndexFileName"/>.</summary>
    public bool Indexed { get; }

    /// <summary>The folder of the weight files (a sub-model's base).</summary>
    public string Directory { get; }

    /// <summary>The masks-only sub-model read through this reader, or null for a plain checkpoint.</summary>
    public string? SubModelDirectory => _overlay?.Directory;

    /// <summary>Every tensor name in the checkpoint.</summary>
    public IReadOnlyCollection<string> Names => _fileOf.Keys;

    /// <summary>Opens a checkpoint folder, validating the index and that every shard it lists exists.</summary>
    /// <exception cref="CheckpointFormatException">No weights, a malformed index or a missing shard.</exception>
    public static CheckpointReader Open(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            throw new CheckpointFormatException(directory, "checkpoint folder not found");
        }

        var index = Path.Combine(directory, IndexFileName);
        if (!File.Exists(index) && !File.Exists(Path.Combine(directory, SingleFileName)) && SubModel.IsSubModel(directory))
        {
            var baseReader = SubModel.Read(directory).OpenBase(directory);
            baseReader._overlay = new MaskOverlay(Path.GetFullPath(directory), baseReader);
            return baseReader;
        }

        if (File.Exists(index))
        {
            var map = ReadIndex(directory, index);
            foreach (var shard in map.GroupBy(p => p.Value, p => p.Key))
            {
                // Every tensor the index lists is in its shard (headers only; a miss fails now, not mid-run).
                var held = SafetensorsHeader.Read(Path.Combine(directory, shard.Key)).Tensors;
                if (shard.FirstOrDefault(name => !held.ContainsKey(name)) is { } absent)
                {
                    throw new CheckpointFormatException(Path.Combine(directory, shard.Key), $"{IndexFileName} lists '{absent}' in this shard but it does not hold it");
                }
            }

            return new CheckpointReader(directory, map, indexed: true);
        }

        var single = Path.Combine(directory, SingleFileName);
        if (!File.Exists(single))
        {
            throw new CheckpointFormatException(directory, $"no weights: neither {SingleFileName} nor {IndexFileName} is there");
        }

        var header = SafetensorsHeader.Read(single);
        return new CheckpointReader(directory, header.Tensors.Keys.ToDictionary(k => k, _ => SingleFileName, StringComparer.Ordinal), indexed: false);
    }

    private static Dictionary<string, string> ReadIndex(string directory, string index)
    {
        Dictionary<string, string> map = new(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(index));
            if (!doc.RootElement.TryGetProperty("weight_map", out var weightMap) || weightMap.ValueKind != JsonValueKind.Object)
            {
                throw new CheckpointFormatException(index, "no 'weight_map' object");
            }

            foreach (var p in weightMap.EnumerateObject())
            {
                map[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw new CheckpointFormatException(index, $"weight_map entry '{p.Name}' is not a file name");
            }
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(index, $"not valid JSON: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            throw new CheckpointFormatException(index, $"weight_map entry is not a string: {e.Message}");
        }

        foreach (var shard in map.Values.Distinct())
        {
            // A shard is a file of this folder: no path into another folder.
            if (shard.Length == 0 || Path.GetFileName(shard) != shard || shard is "." or "..")
            {
                throw new CheckpointFormatException(index, $"weight_map names '{shard}', not a file of the checkpoint folder");
            }

            if (!File.Exists(Path.Combine(directory, shard)))
            {
                throw new CheckpointFormatException(Path.Combine(directory, shard), $"shard listed in {IndexFileName} is missing");
            }
        }

        return map;
    }

    /// <summary>True when the checkpoint holds <paramref name="name"/>.</summary>
    public bool Contains(string name) => _fileOf.ContainsKey(name);

    /// <summary>The header entry of one tensor.</summary>
    public TensorEntry Entry(string name) => FileFor(name).Header.Tensors.TryGetValue(name, out var e)
        ? e
        : throw new CheckpointFormatException(Path.Combine(Directory, _fileOf[name]), $"index lists '{name}' but the shard does not hold it");

    /// <summary>The file (relative to the folder) that holds <paramref name="name"/>.</summary>
    public string FileOf(string name) => _fileOf.TryGetValue(name, out var file) ? file : throw new CheckpointFormatException(Directory, $"checkpoint has no tensor '{name}'");

    /// <summary>The <c>__metadata__</c> of one of the checkpoint's files.</summary>
    public IReadOnlyDictionary<string, string> Metadata(string file)
    {
        var name = _fileOf.First(p => p.Value == file).Key;
        return FileFor(name).Header.Metadata;
    }

    /// <summary>Copies one tensor's stored bytes to <paramref name="destination"/> (no conversion), through <paramref name="buffer"/>.</summary>
    public void CopyBytes(string name, Action<ReadOnlySpan<byte>, long> destination, byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(buffer);
        if (_overlay is not null && _overlay.Affects(name))
        {
            throw new InvalidOperationException($"{name} of a masks-only sub-model has no stored bytes of its own: read it");
        }

        var entry = Entry(name);
        var file = FileFor(name);
        file.CopyBytes(entry, destination, buffer);
    }

    /// <summary>Reads one tensor; the caller owns it.</summary>
    public torch.Tensor Read(string name)
    {
        _ = Entry(name);
        var stored = FileFor(name).Read(name);
        return _overlay is null ? stored : _overlay.Apply(name, stored);
    }

    private SafetensorsFile FileFor(string name)
    {
        if (!_fileOf.TryGetValue(name, out var file))
        {
            throw new CheckpointFormatException(Directory, $"checkpoint has no tensor '{name}'");
        }

        lock (_gate)
        {
            if (!_open.TryGetValue(file, out var open))
            {
                open = SafetensorsFile.Open(Path.Combine(Directory, file));
                _open[file] = open;
            }

            return open;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var f in _open.Values)
        {
            f.Dispose();
        }

        _open.Clear();
    }
}
