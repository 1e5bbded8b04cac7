namespace Shear.Numerics.Checkpoints;

/// <summary>
/// Which tensors of a checkpoint are the weights of the Linears that pruning masks, by name alone: a decoder layer's
/// projections (q, k, v, o or Phi's fused qkv; gate, up, down or Phi's fused gate_up) and every expert's (Qwen3-MoE's
/// gate/up/down_proj, Mixtral's w1/w3/w2). A mixture's router (<c>gate</c>), norms, embeddings and the head are not.
/// </summary>
public static class PrunedLinears
{
    /// <summary>The HF prefix of the decoder layers' tensors.</summary>
    public const string LayerPrefix = "model.layers.";

    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "q_proj", "k_proj", "v_proj", "o_proj", "qkv_proj", "gate_proj", "up_proj", "down_proj", "gate_up_proj", "w1", "w2", "w3",
    };

    /// <summary>Whether <paramref name="tensor"/> (a full state-dict key) is a pruned Linear's weight.</summary>
    public static bool IsWeight(string tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!tensor.StartsWith(LayerPrefix, StringComparison.Ordinal) || !tensor.EndsWith(".weight", StringComparison.Ordinal))
        {
            return false;
        }

        var linear = tensor[..^".weight".Length];
        return Names.Contains(linear[(linear.LastIndexOf('.') + 1)..]);
    }
}
