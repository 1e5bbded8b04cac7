using System.CommandLine;
using Shear.Numerics.Checkpoints;
using Shear.Numerics.Models;

namespace Shear.Client.Commands;

/// <summary><c>shear inspect --model DIR</c>: what a checkpoint holds, read from headers only.</summary>
internal static class InspectCommand
{
    public static Command Create(TextWriter stdout)
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "HF checkpoint folder", Required = true };
        var command = new Command("inspect", "Show a checkpoint's config and tensors (no weights are read)") { model };
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(model)!.FullName;
            using var source = ModelSource.Open(dir);
            var (config, reader) = (source.Config, source.Reader);
            long parameters = 0, bytes = 0;
            foreach (var name in reader.Names)
            {
                var e = reader.Entry(name);
                parameters += e.ElementCount;
                bytes += e.ByteLength;
            }

            stdout.WriteLine($"{config.ModelType}: {config.NumHiddenLayers} layers, hidden {config.HiddenSize}, intermediate {config.IntermediateSize}, " +
                $"heads {config.NumAttentionHeads}/{config.KvHeads} (head_dim {config.HeadDim}), vocab {config.VocabSize}, tied head {config.TieWordEmbeddings}");
            if (config.Multimodal)
            {
                stdout.WriteLine($"multimodal checkpoint: its language model (tensors under {config.TensorPrefix}) is what Shear prunes and evaluates; the other tensors are copied unchanged");
            }

            if (config.ExpertCount > 0)
            {
                int moe = Enumerable.Range(0, config.NumHiddenLayers).Count(config.IsMoeLayer);
                stdout.WriteLine($"mixture of experts: {config.ExpertCount} experts of {config.ExpertIntermediateSize}, {config.ExpertsPerToken} per token, " +
                    $"in {moe} of {config.NumHiddenLayers} layers (routers kept dense)");
            }

            if (reader.SubModelDirectory is not null)
            {
                stdout.WriteLine($"a masks-only sub-model over {reader.Directory} (its tensors, read with the masks applied):");
            }

            stdout.WriteLine($"{reader.Names.Count} tensors, {parameters:N0} parameters, {bytes / 1e6:F1} MB");
            foreach (var name in reader.Names.Order(StringComparer.Ordinal))
            {
                var e = reader.Entry(name);
                stdout.WriteLine($"  {name} {SafetensorsDType.NameOf(e.DType)} [{string.Join(", ", e.Shape)}]");
            }

            return 0;
        });
        return command;
    }
}
