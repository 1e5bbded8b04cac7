using System.Text.Json;
using Shear.Numerics.Checkpoints;
using Shear.Numerics.Experiment;
using Shear.Numerics.Models;

namespace Shear.Numerics.Pruning;

/// <summary>
/// <c>shear export</c>: the full HF checkpoint of a masks-only sub-model, streamed layer by layer in the base's files,
/// tensor order and dtypes (the writer <c>shear prune --keep checkpoints</c> uses, so the result is that output byte
/// for byte), its masks beside, config, tokenizer and pruning.json (keep: checkpoints).
/// </summary>
public static class SubModelExport
{
    /// <summary>Writes the checkpoint of <paramref name="subModel"/> into <paramref name="output"/>; returns its report.</summary>
    /// <exception cref="ArgumentException">Not a complete masks-only sub-model (named).</exception>
    /// <exception cref="CheckpointFormatException">Its base moved or changed, a mask missing or misshapen (named).</exception>
    public static PruningReport Run(string subModel, string output, bool overwrite, IProgress<(int Layer, int Layers)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(subModel);
        ModelConfigLoader.RequireFolder(subModel, "export");
        if (!SubModel.IsSubModel(subModel))
        {
            throw new ArgumentException($"export {subModel}: not a masks-only sub-model (no {SubModel.FileName}); it is a checkpoint already");
        }

        var reportPath = Path.Combine(subModel, PrunedModelWriter.ReportFile);
        if (!File.Exists(reportPath))
        {
            throw new ArgumentException($"export {subModel}: no {PrunedModelWriter.ReportFile} (an unfinished sub-model)");
        }

        PruningReport report;
        try
        {
            report = JsonSerializer.Deserialize<PruningReport>(File.ReadAllText(reportPath)) ?? throw new ArgumentException($"{reportPath}: empty");
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{reportPath}: not a pruning report ({e.Message})");
        }

        using var source = ModelSource.Open(subModel);   // its reader checks the base and its hashes
        var config = source.Config;
        source.CheckLayers();
        PrunedModelWriter.CheckOutput(output, overwrite, source.Reader.Directory, subModel); // never into, over or around what it reads
        using var writer = PrunedModelWriter.Create(source.Reader.Directory, output, overwrite);
        for (int k = 0; k < config.NumHiddenLayers; k++)
        {
            using var layer = source.LoadLayer(k, ModelOptions.Default);
            using var masks = new LayerMasks { Layer = k };
            foreach (var (name, _) in LayerObserver.Linears(layer))
            {
                masks.Add(name, MaskFile.Read(MaskFile.PathIn(subModel, $"{layer.Prefix}{name}")));
            }

            writer.WriteLayer(layer, masks);
            Runtime.NativeHeap.Trim();
            progress?.Report((k, config.NumHiddenLayers));
        }

        var exported = report with { Keep = KeepModes.Name(KeepMode.Checkpoints) };
        writer.Complete(exported);
        return exported;
    }
}
