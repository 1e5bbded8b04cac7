using Shear.Numerics.Checkpoints;
using static TorchSharp.torch;

namespace Shear.Numerics.Models;

/// <summary>
/// A model folder opened once: its validated config (which says where the language model's tensors live: see
/// <see cref="ModelConfig.TensorPrefix"/>) and one reader of its weights (a masks-only sub-model reads as its base with
/// the masks applied). Pass it along instead of the folder's path; disposing it closes the reader.
/// </summary>
public sealed class ModelSource : IDisposable
{
    private ModelSource(string directory, ModelConfig config, CheckpointReader reader) => (Directory, Config, Reader) = (directory, config, reader);

    /// <summary>The folder.</summary>
    public string Directory { get; }

    /// <summary>Its config.json, validated.</summary>
    public ModelConfig Config { get; }

    /// <summary>Its weights.</summary>
    public CheckpointReader Reader { get; }

    /// <summary>Opens a model folder: config.json first (a bad config fails before any weight file is opened), then its weights.</summary>
    /// <exception cref="ModelConfigException">A missing or bad config.json.</exception>
    /// <exception cref="CheckpointFormatException">Unreadable weight files.</exception>
    public static ModelSource Open(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var config = ModelConfigLoader.Load(directory);
        return new ModelSource(directory, config, CheckpointReader.Open(directory));
    }

    /// <summary>Checks every layer's weights against the config (names, shapes, dtypes; nothing read): <see cref="CausalLM.CheckLayers"/>.</summary>
    public void CheckLayers() => CausalLM.CheckLayers(Config, Reader);

    /// <summary>Builds and loads decoder layer <paramref name="index"/>.</summary>
    public DecoderLayer LoadLayer(int index, ModelOptions? options = null) => CausalLM.LoadLayer(Config, Reader, index, options);

    /// <summary>The embedding matrix as stored; the caller owns it.</summary>
    public Tensor ReadEmbedding() => Reader.Read(Config.EmbeddingTensor);

    /// <inheritdoc />
    public void Dispose() => Reader.Dispose();
}
