using System.Globalization;

namespace Shear.Numerics.Checkpoints;

/// <summary>
/// Which tensors of a checkpoint are the weights of the Linears that pruning masks, by name alone: a decoder layer's
/// projections (q, k, v, o or Phi's fused qkv; gate, up, down or Phi's fused gate_up) and every expert's (Qwen3-MoE's
/// gate/up/down_proj, Mixtral's w1/w3/w2). A mixture's router (<c>gate</c>), norms, embeddings and the head are not.
/// Layers are found under <c>model.layers.</c> at the start of a name or after a prefix (a multimodal Gemma 3's
/// <c>language_model.model.layers.</c>); masks are named as the tensors they mask, without <c>.weight</c>.
/// </summary>
public static class PrunedLinears
{
    /// <summary>What every decoder layer's tensor names contain (after the model's prefix, if any).</summary>
    public const string LayersMarker = "model.layers.";

    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "q_proj", "k_proj", "v_proj", "o_proj", "qkv_proj", "gate_proj", "up_proj", "down_proj", "gate_up_proj", "w1", "w2", "w3",
    };

    /// <summary>Whether <paramref name="tensor"/> (a full state-dict key) is a pruned Linear's weight.</summary>
    public static bool IsWeight(string tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (Split(tensor) is null || !tensor.EndsWith(".weight", StringComparison.Ordinal))
        {
            return false;
        }

        var linear = tensor[..^".weight".Length];
        return Names.Contains(linear[(linear.LastIndexOf('.') + 1)..]);
    }

    /// <summary>
    /// The decoder layer a tensor or mask name belongs to and its name within the layer (<c>self_attn.q_proj</c>), or
    /// null for a name outside the layers.
    /// </summary>
    public static (int Layer, string Within)? Split(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int at = name.StartsWith(LayersMarker, StringComparison.Ordinal) ? 0 : name.IndexOf("." + LayersMarker, StringComparison.Ordinal) is >= 0 and var i ? i + 1 : -1;
        if (at < 0)
        {
            return null;
        }

        int start = at + LayersMarker.Length, end = name.IndexOf('.', start);
        return end > start && int.TryParse(name.AsSpan(start, end - start), NumberStyles.None, CultureInfo.InvariantCulture, out int layer) ? (layer, name[(end + 1)..]) : null;
    }
}
