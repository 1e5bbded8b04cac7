using System.Text.Json;
using Shear.Numerics.Checkpoints;
using Shear.Numerics.Experiment;
using Shear.Numerics.IO;
using Shear.Numerics.Models;
using static TorchSharp.torch;

namespace Shear.Numerics.Pruning;

/// <summary>
/// Writes a pruned model in the base checkpoint's HF layout (its files, dtypes and tensor order) into a staging
/// folder beside <c>out</c>, streamed: the weight files are laid out first (<see cref="StreamingCheckpointWriter"/>),
/// the embedding, final norm and head are copied byte for byte from the base, each pruned layer is written as it
/// finishes with its masks, and nothing more than one layer is ever in memory. <see cref="Complete"/> adds config,
/// tokenizer files and pruning.json, syncs to disk and renames the folder into place. A local run's staging folder
/// is deleted if it never completes; a job's (<see cref="Resume"/>) stays for the next attempt. Keeping masks
/// (<see cref="KeepMode.Masks"/>) writes no weight files: <c>submodel.json</c> names the base and its hashes first,
/// then each layer's masks and, where the method changed kept weights, its changed Linears; the staging folder reads
/// as a checkpoint all the same (<see cref="CheckpointReader"/> applies the masks).
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
    private readonly bool _keep;
    private readonly ModelSource _model;
    private readonly CheckpointReader _base;
    private readonly StreamingCheckpointWriter? _checkpoint; // null when keeping masks
    private bool _completed;

    private PrunedModelWriter(string source, string output, string staging, bool keep, ModelSource model, StreamingCheckpointWriter? checkpoint)
    {
        (_source, _out, Staging, _keep, _model, _base, _checkpoint) = (source, output, staging, keep, model, model.Reader, checkpoint);
    }

    /// <summary>What the output keeps.</summary>
    public KeepMode Keep => _checkpoint is null ? KeepMode.Masks : KeepMode.Checkpoints;

    /// <summary>The staging folder: a readable checkpoint in which every finished layer is already pruned.</summary>
    public string Staging { get; }

    /// <summary>The base model, opened once (its reader serves the copies and the job's mask step).</summary>
    public ModelSource Source => _model;

    /// <summary>The base checkpoint's reader.</summary>
    internal CheckpointReader Base => _base;

    /// <summary>
    /// Checks <paramref name="output"/> before any work (it must not exist, or be an empty folder, unless
    /// <paramref name="overwrite"/>), then lays out a fresh staging folder beside it, deleted unless completed.
    /// </summary>
    /// <exception cref="IOException">The output exists and is not empty, or is a file.</exception>
    public static PrunedModelWriter Create(string sourceDirectory, string output, bool overwrite, KeepMode mode = KeepMode.Checkpoints)
    {
        var full = Path.GetFullPath(output);
        CheckOutput(full, overwrite, sourceDirectory);
        return Open(sourceDirectory, full, OutputFolder.Stage(full, OutputKind.SubModel), resume: false, keep: false, mode);
    }

    /// <summary>
    /// A job's writer over a fixed staging folder that outlives attempts: with <paramref name="resume"/> an existing
    /// staging folder (Shear's own) is reopened as it is, so the layers written by earlier attempts stay; otherwise it
    /// is laid out anew.
    /// </summary>
    /// <exception cref="IOException">The staging path exists and is not Shear's, or the output is a folder Shear did not make.</exception>
    public static PrunedModelWriter Resume(string sourceDirectory, string output, string staging, bool resume, KeepMode mode = KeepMode.Checkpoints) =>
        Open(sourceDirectory, Path.GetFullPath(output), Path.GetFullPath(staging), resume, keep: true, mode);

    private static PrunedModelWriter Open(string source, string output, string staging, bool resume, bool keep, KeepMode mode)
    {
        if (SubModel.IsSubModel(source))
        {
            throw new ArgumentException($"--model {source} is a masks-only sub-model: prune its export (shear export {source} --out DIR) or its base");
        }

        OutputFolder.CheckReplaceable(output, OutputKind.SubModel, $"the output {output}"); // a job's output folder too
        var model = ModelSource.Open(source);
        var baseReader = model.Reader;
        try
        {
            bool ours = OutputFolder.IsOurs(staging);
            if (Directory.Exists(staging) && !ours)
            {
                throw new IOException($"{staging} exists and was not made by Shear: move it away or choose another output");
            }

            if (resume && ours)
            {
                return new PrunedModelWriter(Path.GetFullPath(source), output, staging, keep, model, mode == KeepMode.Masks ? null : StreamingCheckpointWriter.Open(staging));
            }

            if (ours && Directory.EnumerateFileSystemEntries(staging).Any(e => Path.GetFileName(e) != OutputFolder.Marker))
            {
                Directory.Delete(staging, recursive: true); // an earlier attempt's, laid out anew
            }

            OutputFolder.MarkAsOurs(staging, output, OutputKind.SubModel);
            Directory.CreateDirectory(Path.Combine(staging, MaskFolder));
            if (mode == KeepMode.Masks)
            {
                SubModel.Of(baseReader).Write(staging); // first: the staging folder reads as the base with the masks written so far
                return new PrunedModelWriter(Path.GetFullPath(source), output, staging, keep, model, null);
            }

            var checkpoint = StreamingCheckpointWriter.Create(staging, CheckpointLayout.Like(baseReader));
            foreach (var name in baseReader.Names.Where(n => !n.StartsWith(model.Config.LayersPrefix, StringComparison.Ordinal)))
            {
                checkpoint.Copy(name, baseReader); // embedding, final norm, head (a multimodal model's vision tower): unchanged, byte for byte
            }

            return new PrunedModelWriter(Path.GetFullPath(source), output, staging, keep, model, checkpoint);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Refuses an output that is not empty and not a previous sub-model (or is one, without overwriting), is a file, or
    /// is (in, or holds) the base model or one of <paramref name="otherInputs"/>.
    /// </summary>
    /// <exception cref="IOException">With the path and the reason.</exception>
    public static void CheckOutput(string output, bool overwrite, string baseModel, params string[] otherInputs) =>
        OutputFolder.Check(output, overwrite, OutputKind.SubModel, "--out", [baseModel, .. otherInputs]);

    /// <summary>The dtype the base stores a tensor in (what the output stores).</summary>
    public ScalarType StoredDType(string name) => _checkpoint?.DTypeOf(name) ?? _base.Entry(name).DType;

    /// <summary>Writes one pruned layer (in the base's dtypes; tensors of the layer that are not parameters copied from the base) and its masks.</summary>
    public void WriteLayer(DecoderLayer layer, LayerMasks masks)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(masks);
        if (_checkpoint is null)
        {
            WriteChanged(layer, masks);
        }
        else
        {
            var written = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, p) in layer.named_parameters())
            {
                _checkpoint.Write(layer.Prefix + name, p);
                written.Add(layer.Prefix + name);
            }

            foreach (var name in _base.Names.Where(n => n.StartsWith(layer.Prefix, StringComparison.Ordinal) && !written.Contains(n)))
            {
                _checkpoint.Copy(name, _base);
            }
        }

        foreach (var (name, mask) in masks.Masks)
        {
            MaskFile.Write(MaskFile.PathIn(Staging, $"{layer.Prefix}{name}"), mask);
        }

        CrashPoint.Reach($"layer-{layer.Index}-written");
    }

    // Keeping masks: the Linears whose kept weights the method changed, in the base's dtypes, one file per layer
    // (written before the masks, so a layer with masks always has them).
    private void WriteChanged(DecoderLayer layer, LayerMasks masks)
    {
        if (masks.Weights.Count == 0)
        {
            return;
        }

        var changed = new List<KeyValuePair<string, Tensor>>();
        try
        {
            foreach (var (name, linear) in LayerObserver.Linears(layer).Where(l => masks.Weights.ContainsKey(l.Name)))
            {
                var full = $"{layer.Prefix}{name}.weight";
                changed.Add(new(full, linear.weight!.to_type(StoredDType(full))));
            }

            var path = SubModel.ChangedPath(Staging, layer.Index);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            SafetensorsWriter.Write(path, changed, new Dictionary<string, string> { ["format"] = "shear.changed.v1" });
        }
        finally
        {
            changed.ForEach(c => c.Value.Dispose());
        }
    }

    /// <summary>Writes config, tokenizer files and the report, then syncs and moves the folder into place (<see cref="OutputFolder.Commit"/>).</summary>
    public void Complete(PruningReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        foreach (var file in Directory.EnumerateFiles(_source))
        {
            var name = Path.GetFileName(file);
            if (!WeightSuffixes.Any(s => name.EndsWith(s, StringComparison.OrdinalIgnoreCase)) && name is not (CheckpointReader.IndexFileName or ReportFile or OutputFolder.OwnerMarker or OutputFolder.Marker))
            {
                File.Copy(file, Path.Combine(Staging, name), overwrite: true);
            }
        }

        AtomicFile.WriteAllText(Path.Combine(Staging, ReportFile), JsonSerializer.Serialize(report with { Keep = KeepModes.Name(Keep) }, JsonOptions.Indented));
        _checkpoint?.Dispose();
        OutputFolder.Commit(Staging, _out); // fsyncs every file, the weights included
        _completed = true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _checkpoint?.Dispose();
        _model.Dispose();
        if (!_completed && !_keep)
        {
            OutputFolder.Abandon(Staging);
        }
    }
}
