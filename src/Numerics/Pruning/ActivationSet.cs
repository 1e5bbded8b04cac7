using Shear.Numerics.Models;
using static TorchSharp.torch;

namespace Shear.Numerics.Pruning;

/// <summary>
/// All calibration samples' hidden states at one layer boundary, grouped into right-padded batches of similar
/// length (at most <c>tokenBudget</c> padded tokens each). One layer's worth at a time: a layer replaces the states
/// batch by batch with its outputs.
/// </summary>
public sealed class ActivationSet : IDisposable
{
    private readonly List<ActivationBatch> _batches;

    private ActivationSet(List<ActivationBatch> batches) => _batches = batches;

    /// <summary>The batches.</summary>
    public IReadOnlyList<ActivationBatch> Batches => _batches;

    /// <summary>Total samples.</summary>
    public long Samples => _batches.Sum(b => b.Samples);

    /// <summary>Total real tokens.</summary>
    public long Tokens => _batches.Sum(b => b.Tokens);

    /// <summary>
    /// The hidden states entering layer 0 (embeddings, with Gemma's scale) of every sample. Samples are sorted by
    /// length (longest first, then by index) and packed into batches of at most <paramref name="tokenBudget"/>
    /// padded tokens, so padding stays small; each keeps its own positions and attention mask.
    /// </summary>
    public static ActivationSet Embed(CausalLM model, IReadOnlyList<int[]> samples, int tokenBudget = 16384)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0 || samples.Any(s => s.Length == 0))
        {
            throw new ArgumentException("calibration needs at least one sample and no empty sample", nameof(samples));
        }

        var order = Enumerable.Range(0, samples.Count).OrderByDescending(i => samples[i].Length).ThenBy(i => i).ToList();
        var batches = new List<ActivationBatch>();
        using var noGrad = no_grad();
        for (int start = 0; start < order.Count;)
        {
            int longest = samples[order[start]].Length;
            int count = Math.Max(1, Math.Min(order.Count - start, tokenBudget / longest));
            batches.Add(EmbedBatch(model, order.Skip(start).Take(count).Select(i => samples[i]).ToList(), longest));
            start += count;
        }

        return new ActivationSet(batches);
    }

    private static ActivationBatch EmbedBatch(CausalLM model, List<int[]> rows, int longest)
    {
        using var scope = NewDisposeScope();
        var ids = new long[rows.Count, longest];
        var keep = new long[rows.Count, longest];
        for (int b = 0; b < rows.Count; b++)
        {
            for (int t = 0; t < rows[b].Length; t++)
            {
                ids[b, t] = rows[b][t];
                keep[b, t] = 1;
            }
        }

        var keepTensor = tensor(keep).to(model.Options.Device);
        var hidden = model.Body.Embed(tensor(ids).to(model.Options.Device));
        var context = model.Context(rows.Count, longest, 0, keepTensor, null, hidden.dtype, null);
        return new ActivationBatch(hidden, keepTensor, context);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var b in _batches)
        {
            b.Dispose();
        }

        _batches.Clear();
    }
}
