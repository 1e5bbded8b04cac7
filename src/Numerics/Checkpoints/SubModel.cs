using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Shear.Numerics.IO;
using Shear.Numerics.Pruning;
using static TorchSharp.torch;

namespace Shear.Numerics.Checkpoints;

/// <summary>
/// <c>submodel.json</c>: a sub-model stored as masks over its base checkpoint (no weight files of its own). It names
/// the base folder and the SHA-256 of each of its weight files; the masks are in <c>masks/</c> (one bit-packed file
/// per Linear) and, for methods that change kept weights (SparseGPT), each layer's changed Linears in
/// <c>changed/layer-NNNNN.safetensors</c>, stored in the base's dtypes.
/// </summary>
/// <param name="Format">Always <see cref="FormatName"/>.</param>
/// <param name="Base">The base checkpoint folder (absolute).</param>
/// <param name="BaseFiles">SHA-256 (hex) of each weight file of the base, by file name.</param>
public sealed record SubModel(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("base")] string Base,
    [property: JsonPropertyName("base_sha256")] IReadOnlyDictionary<string, string> BaseFiles)
{
    /// <summary>The file that makes a folder a masks-only sub-model.</summary>
    public const string FileName = "submodel.json";

    /// <summary>The folder of changed Linears.</summary>
    public const string ChangedFolder = "changed";

    /// <summary>The format tag.</summary>
    public const string FormatName = "shear.submodel.v1";

    /// <summary>The file of layer <paramref name="layer"/>'s changed Linears in a sub-model folder.</summary>
    public static string ChangedPath(string directory, int layer) => Path.Combine(directory, ChangedFolder, $"layer-{layer:D5}.safetensors");

    private static readonly ConcurrentDictionary<(string Path, long Length, DateTime Modified), string> Hashes = new();

    /// <summary>Whether <paramref name="directory"/> is a masks-only sub-model.</summary>
    public static bool IsSubModel(string directory) => File.Exists(Path.Combine(directory, FileName));

    /// <summary>The description of a sub-model over <paramref name="baseReader"/>'s folder (hashing its weight files).</summary>
    public static SubModel Of(CheckpointReader baseReader)
    {
        ArgumentNullException.ThrowIfNull(baseReader);
        var files = baseReader.Names.Select(baseReader.FileOf).Distinct().Order(StringComparer.Ordinal);
        return new SubModel(FormatName, Path.GetFullPath(baseReader.Directory), files.ToDictionary(f => f, f => Sha256(Path.Combine(baseReader.Directory, f)), StringComparer.Ordinal));
    }

    /// <summary>Writes <c>submodel.json</c> into <paramref name="directory"/> (atomically).</summary>
    public void Write(string directory) => AtomicFile.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, JsonOptions.Indented));

    /// <summary>Reads <c>submodel.json</c> of <paramref name="directory"/>.</summary>
    /// <exception cref="CheckpointFormatException">Malformed (named).</exception>
    public static SubModel Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        SubModel? s;
        try
        {
            s = new FileInfo(path).Length > 1 << 20 ? null : JsonSerializer.Deserialize<SubModel>(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(path, $"not valid JSON: {e.Message}");
        }

        if (s is null || s.Format != FormatName || string.IsNullOrEmpty(s.Base) || s.BaseFiles is null || s.BaseFiles.Count == 0)
        {
            throw new CheckpointFormatException(path, $"not a Shear sub-model description (needs format '{FormatName}', base and base_sha256)");
        }

        return s;
    }

    /// <summary>Opens the base and checks it is the one the masks were made on.</summary>
    /// <exception cref="CheckpointFormatException">The base is gone, a sub-model itself, or its weights differ (both named).</exception>
    public CheckpointReader OpenBase(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!Directory.Exists(Base))
        {
            throw new CheckpointFormatException(path, $"base checkpoint {Base} not found (moved or deleted? masks need the base they were made on)");
        }

        if (IsSubModel(Base))
        {
            throw new CheckpointFormatException(path, $"base {Base} is itself a masks-only sub-model (export it first: shear export)");
        }

        var reader = CheckpointReader.Open(Base);
        try
        {
            var files = reader.Names.Select(reader.FileOf).Distinct().Order(StringComparer.Ordinal).ToList();
            if (!files.SequenceEqual(BaseFiles.Keys.Order(StringComparer.Ordinal)))
            {
                throw new CheckpointFormatException(path, $"base {Base} has weight files [{string.Join(", ", files)}], the masks were made on [{string.Join(", ", BaseFiles.Keys)}]");
            }

            foreach (var (file, expected) in BaseFiles)
            {
                var actual = Sha256(Path.Combine(Base, file));
                if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
                {
                    throw new CheckpointFormatException(path, $"base {Path.Combine(Base, file)} has changed: sha256 {actual}, the masks were made on {expected}");
                }
            }

            return reader;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>SHA-256 (hex) of a file, computed once per process for a given length and modification time.</summary>
    public static string Sha256(string path)
    {
        var info = new FileInfo(path);
        return Hashes.GetOrAdd((info.FullName, info.Length, info.LastWriteTimeUtc), _ =>
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        });
    }
}

/// <summary>
/// What a masks-only sub-model changes in its base's tensors when read: a Linear's weight has its mask applied (zeros
/// where pruned), or is replaced by the changed weight stored for its layer. Once the sub-model is complete
/// (pruning.json written) every Linear of every layer must have its mask.
/// </summary>
internal sealed class MaskOverlay(string directory, CheckpointReader baseReader)
{

    /// <summary>The sub-model folder.</summary>
    public string Directory { get; } = directory;

    private bool Complete => File.Exists(Path.Combine(Directory, PrunedModelWriter.ReportFile));

    /// <summary>The mask file of a tensor, or null when it is not a layer's Linear weight.</summary>
    private string? MaskPath(string name) =>
        PrunedLinears.IsWeight(name)
            ? MaskFile.PathIn(Directory, name[..^".weight".Length])
            : null;

    /// <summary>Whether reading <paramref name="name"/> goes through the overlay.</summary>
    public bool Affects(string name) => MaskPath(name) is not null;

    /// <summary>The changed-weights file of the layer holding <paramref name="name"/>.</summary>
    public string ChangedPath(string name)
    {
        return SubModel.ChangedPath(Directory, PrunedLinears.Split(name)?.Layer ?? throw new ArgumentException($"'{name}' is no layer's tensor", nameof(name)));
    }

    /// <summary>The tensor as the sub-model has it; <paramref name="stored"/> (the base's) is consumed.</summary>
    /// <exception cref="CheckpointFormatException">A missing mask of a complete sub-model, or a mask of another shape (named).</exception>
    public Tensor Apply(string name, Tensor stored)
    {
        if (MaskPath(name) is not { } maskPath)
        {
            return stored;
        }

        var changed = ChangedPath(name);
        if (File.Exists(changed))
        {
            using var file = SafetensorsFile.Open(changed);
            if (file.Contains(name))
            {
                var replacement = file.Read(name);
                if (!replacement.shape.SequenceEqual(stored.shape) || replacement.dtype != stored.dtype)
                {
                    stored.Dispose();
                    replacement.Dispose();
                    throw new CheckpointFormatException(changed, $"{name} is not of the base's shape and dtype");
                }

                stored.Dispose();
                return replacement;
            }
        }

        if (!File.Exists(maskPath))
        {
            if (Complete)
            {
                stored.Dispose();
                throw new CheckpointFormatException(maskPath, $"missing mask of {name[..^".weight".Length]}");
            }

            return stored; // a staged sub-model: this layer is not pruned yet
        }

        using var mask = MaskFile.Read(maskPath);
        if (!mask.shape.SequenceEqual(stored.shape))
        {
            stored.Dispose();
            throw new CheckpointFormatException(maskPath, $"mask of shape [{string.Join(", ", mask.shape)}] for {name} of shape [{string.Join(", ", baseReader.Entry(name).Shape)}]");
        }

        return stored.masked_fill_(mask, 0);
    }
}
