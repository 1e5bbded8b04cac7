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
    /// The hidden states entering layer 0 (embeddings, with Gemma's scale) of the batches <paramref name="batches"/>
    /// of <paramref name="plan"/> (<see cref="Plan"/>): only the embedding matrix <paramref name="embedding"/> is needed.
    /// Each batch keeps its own positions and attention mask.
    /// </summary>
    public static ActivationSet Embed(ModelConfig config, RotaryEmbedding rotary, Tensor embedding, IReadOnlyList<int[]> samples,
        IReadOnlyList<List<int>> plan, IEnumerable<int> batches, Device device)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(embedding);
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(batches);
        var result = new List<ActivationBatch>();
        using var noGrad = no_grad();
        try
        {
            foreach (int b in batches)
            {
                using var scope = NewDisposeScope();
                var rows = plan[b].Select(i => samples[i]).ToList();
                var (ids, keep) = Pad(rows, rows[0].Length);
                var keepTensor = keep.to(device);
                var hidden = DecoderModel.EmbedWith(embedding, ids.to(device), DecoderModel.EmbedScale(config));
                var context = CausalLM.BuildContext(config, rotary, device, rows.Count, rows[0].Length, 0, keepTensor, null, hidden.dtype, null);
                result.Add(new ActivationBatch(b, hidden, keep, context));
            }
        }
        catch
        {
            result.ForEach(r => r.Dispose());
            throw;
        }

        return new ActivationSet(result);
    }

    /// <summary>Checks calibration samples: at least one, none empty.</summary>
    /// <exception cref="ArgumentException">No sample, or an empty one.</exception>
    public static void CheckSamples(IReadOnlyList<int[]> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0 || samples.Any(s => s.Length == 0))
        {
            throw new ArgumentException("calibration needs at least one sample and no empty sample", nameof(samples));
        }
    }

    /// <summary>
    /// How samples are batched: sorted by length (longest first, then by index), packed into batches of at most
    /// <paramref name="tokenBudget"/> padded tokens. Each batch lists sample indices, longest first.
    /// </summary>
    public static List<List<int>> Plan(IReadOnlyList<int> lengths, int tokenBudget)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        var order = Enumerable.Range(0, lengths.Count).OrderByDescending(i => lengths[i]).ThenBy(i => i).ToList();
        var plan = new List<List<int>>();
        for (int start = 0; start < order.Count;)
        {
            int count = Math.Max(1, Math.Min(order.Count - start, tokenBudget / lengths[order[start]]));
            plan.Add(order.GetRange(start, count));
            start += count;
        }

        return plan;
    }

    /// <summary>Token ids (B, longest) right-padded with 0 and the keep mask (B, longest) of a batch of samples.</summary>
    public static (Tensor Ids, Tensor Keep) Pad(IReadOnlyList<int[]> rows, int longest)
    {
        ArgumentNullException.ThrowIfNull(rows);
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

        return (tensor(ids), tensor(keep)); // host: token ids and padding are made here and copied to the device once per batch
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
