using System.Text.Json;
using Shear.Numerics.Checkpoints;
using Shear.Numerics.IO;
using Shear.Numerics.Models;
using static TorchSharp.torch;

namespace Shear.Numerics.Pruning;

/// <summary>
/// Writes a pruned model in HF layout into a temp folder beside <c>out</c> (masks as each layer finishes, then the
/// weights in the base checkpoint's dtypes, config and tokenizer files, pruning.json) and renames it into place only
/// when everything is written. Disposing an uncompleted writer deletes the temp folder.
/// </summary>
public sealed class PrunedModelWriter : IDisposable
{
    /// <summary>The mask folder inside the output.</summary>
    public const string MaskFolder = "masks";

    /// <summary>The report file.</summary>
    public const string ReportFile = "pruning.json";

    private static readonly string[] WeightSuffixes = [".safetensors", ".bin", ".pt", ".pth", ".gguf", ".h5", ".msgpack"];
    private readonly string _source;
    private readonly string _out;
    private readonly string _temp;
    private bool _completed;

    private PrunedModelWriter(string source, string output, string temp) => (_source, _out, _temp) = (source, output, temp);

    /// <summary>
    /// Checks <paramref name="output"/> before any work: it must not exist, or be an empty folder, unless
    /// <paramref name="overwrite"/>. Then creates the temp folder.
    /// </summary>
    /// <exception cref="IOException">The output exists and is not empty, or is a file.</exception>
    public static PrunedModelWriter Create(string sourceDirectory, string output, bool overwrite)
    {
        var full = Path.GetFullPath(output);
        CheckOutput(full, overwrite);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.tmp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(temp, MaskFolder));
        return new PrunedModelWriter(Path.GetFullPath(sourceDirectory), full, temp);
    }

    /// <summary>Refuses an output that exists and is not empty (unless overwriting), or is a file.</summary>
    /// <exception cref="IOException">With the path and the reason.</exception>
    public static void CheckOutput(string output, bool overwrite)
    {
        if (File.Exists(output))
        {
            throw new IOException($"--out {output} is a file, not a folder");
        }

        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any() && !overwrite)
        {
            throw new IOException($"--out {output} exists and is not empty (use --overwrite to replace it)");
        }
    }

    /// <summary>Writes one layer's masks (bit-packed, one file per Linear).</summary>
    public void WriteMasks(LayerMasks masks)
    {
        ArgumentNullException.ThrowIfNull(masks);
        foreach (var (name, mask) in masks.Masks)
        {
            MaskFile.Write(Path.Combine(_temp, MaskFolder, MaskFile.FileName($"{DecoderLayer.StatePrefix(masks.Layer)}{name}")), mask);
        }
    }

    /// <summary>Copies mask files written elsewhere (a distributed job's work folder) into the output's mask folder.</summary>
    public void AddMaskFiles(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*.mask.safetensors"))
        {
            File.Copy(file, Path.Combine(_temp, MaskFolder, Path.GetFileName(file)), overwrite: true);
        }
    }

    /// <summary>Writes weights, config, tokenizer files and the report, then moves the folder into place.</summary>
    public void Complete(CausalLM model, CheckpointReader baseCheckpoint, PruningReport report, long maxShardBytes = CheckpointWriter.DefaultMaxShardBytes)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(baseCheckpoint);
        using var scope = NewDisposeScope();
        Complete(model.StateDict(), baseCheckpoint, report, maxShardBytes);
    }

    /// <summary>
    /// Writes the given tensors (converted to the dtypes the base checkpoint stored them in, so bf16 stays bf16),
    /// config, tokenizer files and the report, then moves the folder into place.
    /// </summary>
    public void Complete(IReadOnlyList<KeyValuePair<string, Tensor>> stateDict, CheckpointReader baseCheckpoint, PruningReport report, long maxShardBytes = CheckpointWriter.DefaultMaxShardBytes)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        ArgumentNullException.ThrowIfNull(baseCheckpoint);
        ArgumentNullException.ThrowIfNull(report);
        using (var scope = NewDisposeScope())
        {
            var tensors = stateDict
                .Select(p => new KeyValuePair<string, Tensor>(p.Key, baseCheckpoint.Contains(p.Key) ? p.Value.to_type(baseCheckpoint.Entry(p.Key).DType) : p.Value))
                .ToList();
            CheckpointWriter.Write(_temp, tensors, maxShardBytes);
        }

        foreach (var file in Directory.EnumerateFiles(_source))
        {
            var name = Path.GetFileName(file);
            if (!WeightSuffixes.Any(s => name.EndsWith(s, StringComparison.OrdinalIgnoreCase)) && name != CheckpointReader.IndexFileName && name != ReportFile)
            {
                File.Copy(file, Path.Combine(_temp, name));
            }
        }

        AtomicFile.WriteAllText(Path.Combine(_temp, ReportFile), JsonSerializer.Serialize(report, JsonOptions.Indented));
        MoveIntoPlace();
        _completed = true;
    }

    private void MoveIntoPlace()
    {
        string? old = null;
        if (Directory.Exists(_out))
        {
            old = Path.Combine(Path.GetDirectoryName(_out)!, $".{Path.GetFileName(_out)}.old-{Guid.NewGuid():N}");
            Directory.Move(_out, old);
        }

        Directory.Move(_temp, _out);
        if (old is not null)
        {
            Directory.Delete(old, recursive: true);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_completed && Directory.Exists(_temp))
        {
            Directory.Delete(_temp, recursive: true);
        }
    }
}
