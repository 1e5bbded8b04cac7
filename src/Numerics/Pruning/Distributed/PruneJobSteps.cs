using Shear.Numerics.Checkpoints;
using Shear.Numerics.Models;
using static TorchSharp.torch;

namespace Shear.Numerics.Pruning.Distributed;

/// <summary>
/// The steps of a pruning job whose layers run elsewhere (layer grains), around a work folder:
/// <c>WORK/parts/layer-NNNNN/model.safetensors</c> (each pruned layer in the compute dtype, so a resumed job replays
/// exactly what the next layer saw) and <c>WORK/masks/</c>. The embedding, the replay of finished layers and the final
/// assembly run where the job runs; nothing here loads a whole model.
/// </summary>
public static class PruneJobSteps
{
    /// <summary>The part folder of one layer.</summary>
    public static string PartFolder(string work, int layer) => Path.Combine(work, "parts", $"layer-{layer:D5}");

    /// <summary>The mask folder of the work folder.</summary>
    public static string MaskFolder(string work) => Path.Combine(work, PrunedModelWriter.MaskFolder);

    /// <summary>Layer 0's input batches: the samples batched as <see cref="ActivationSet.Plan"/> does, embedded with only the embedding matrix.</summary>
    public static List<(int Batch, Tensor Hidden, Tensor Keep)> Embed(string model, IReadOnlyList<int[]> samples, ModelOptions options, int tokenBudget)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(options);
        if (samples.Count == 0 || samples.Any(s => s.Length == 0))
        {
            throw new ArgumentException("calibration needs at least one sample and no empty sample", nameof(samples));
        }

        var config = ModelConfigLoader.Load(model);
        using var reader = CheckpointReader.Open(model);
        using var weight = reader.Read("model.embed_tokens.weight").to(options.Device).to_type(options.DType);
        using var noGrad = no_grad();
        var result = new List<(int, Tensor, Tensor)>();
        var plan = ActivationSet.Plan(samples.Select(s => s.Length).ToList(), tokenBudget);
        for (int b = 0; b < plan.Count; b++)
        {
            using var scope = NewDisposeScope();
            var (ids, keep) = ActivationSet.Pad(plan[b].Select(i => samples[i]).ToList(), samples[plan[b][0]].Length);
            var hidden = DecoderModel.EmbedWith(weight, ids.to(options.Device), DecoderModel.EmbedScale(config));
            result.Add((b, hidden.MoveToOuterDisposeScope().DetachFromDisposeScope(), keep.MoveToOuterDisposeScope().DetachFromDisposeScope()));
        }

        return result;
    }

    /// <summary>Writes a finished layer's part (compute dtype) and masks into the work folder, atomically per file.</summary>
    public static void SavePart(LayerWorker worker, string work)
    {
        ArgumentNullException.ThrowIfNull(worker);
        var folder = PartFolder(work, worker.Index);
        var temp = folder + ".tmp";
        if (Directory.Exists(temp))
        {
            Directory.Delete(temp, recursive: true);
        }

        Directory.CreateDirectory(temp);
        using (var scope = NewDisposeScope())
        {
            CheckpointWriter.Write(temp, worker.Part());
        }

        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.Move(temp, folder);
    }

    /// <summary>Writes one layer's masks into the work folder.</summary>
    public static void SaveMasks(LayerMasks masks, string work)
    {
        ArgumentNullException.ThrowIfNull(masks);
        Directory.CreateDirectory(MaskFolder(work));
        foreach (var (name, mask) in masks.Masks)
        {
            MaskFile.Write(Path.Combine(MaskFolder(work), MaskFile.FileName($"{DecoderLayer.StatePrefix(masks.Layer)}{name}")), mask);
        }
    }

    /// <summary>
    /// The inputs of layer <paramref name="layer"/> for a resumed job: the embeddings run through the saved pruned
    /// layers 0..layer-1 (bit for bit what those layers passed on before).
    /// </summary>
    public static List<(int Batch, Tensor Hidden, Tensor Keep)> Replay(string model, string work, int layer, IReadOnlyList<int[]> samples, ModelOptions options, PruneSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var batches = Embed(model, samples, options, spec.TokenBudget);
        var config = ModelConfigLoader.Load(model);
        using var rotary = new RotaryEmbedding(config);
        using var noGrad = no_grad();
        for (int k = 0; k < layer; k++)
        {
            using var reader = CheckpointReader.Open(PartFolder(work, k));
            using var pruned = CausalLM.LoadLayer(config, reader, k, options);
            for (int b = 0; b < batches.Count; b++)
            {
                using var scope = NewDisposeScope();
                var (index, hidden, keep) = batches[b];
                var context = CausalLM.BuildContext(config, rotary, options.Device, hidden.shape[0], hidden.shape[1], 0, keep.to(options.Device), null, hidden.dtype, null);
                var output = pruned.call(hidden, context).MoveToOuterDisposeScope().DetachFromDisposeScope();
                hidden.Dispose();
                batches[b] = (index, output, keep);
            }
        }

        return batches;
    }

    /// <summary>
    /// The pruned checkpoint from the base's embedding, final norm and head plus every layer's part (in the base's
    /// dtypes, in the order <see cref="CausalLM.StateDict"/> has), the masks and the report; atomically into place.
    /// </summary>
    public static PruningReport Assemble(PruneRequest request, string work, PruningReport report)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(report);
        var config = ModelConfigLoader.Load(request.Model);
        using var checkpoint = CheckpointReader.Open(request.Model);
        using var writer = PrunedModelWriter.Create(request.Model, request.Out, request.Overwrite);
        writer.AddMaskFiles(MaskFolder(work));
        using var scope = NewDisposeScope();
        var tensors = new List<KeyValuePair<string, Tensor>> { new("model.embed_tokens.weight", checkpoint.Read("model.embed_tokens.weight")) };
        long zeros = 0, total = 0;
        for (int k = 0; k < config.NumHiddenLayers; k++)
        {
            using var part = CheckpointReader.Open(PartFolder(work, k));
            // The part was written in parameter order: its data order is the order StateDict gives.
            foreach (var name in SafetensorsHeader.Read(Path.Combine(PartFolder(work, k), CheckpointReader.SingleFileName)).Tensors.Keys)
            {
                var t = part.Read(name);
                tensors.Add(new(name, t));
                if (name.EndsWith("_proj.weight", StringComparison.Ordinal))
                {
                    zeros += t.eq(0).sum().item<long>();
                    total += t.numel();
                }
            }
        }

        tensors.Add(new("model.norm.weight", checkpoint.Read("model.norm.weight")));
        if (!config.TieWordEmbeddings)
        {
            tensors.Add(new("lm_head.weight", checkpoint.Read("lm_head.weight")));
        }

        var final = report with { TotalSparsity = (double)zeros / total };
        writer.Complete(tensors, checkpoint, final);
        return final;
    }
}
