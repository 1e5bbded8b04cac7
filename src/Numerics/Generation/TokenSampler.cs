using static TorchSharp.torch;

namespace Shear.Numerics.Generation;

/// <summary>
/// Picks the next token from one row of logits: the repetition penalty (HF's logits processor), then greedy, or
/// temperature / top-k / top-p sampling as HF's warpers.
/// </summary>
public static class TokenSampler
{
    /// <summary>
    /// The next token for <paramref name="logits"/> (V), using <paramref name="generator"/> when sampling;
    /// <paramref name="seen"/> are the row's token ids so far (prompt and generated), which the repetition penalty needs.
    /// </summary>
    public static int Next(Tensor logits, GenerationOptions options, Generator? generator, IReadOnlyCollection<int>? seen = null)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(options);
        using var scope = NewDisposeScope();
        var x = logits.to_type(ScalarType.Float32);
        if (options.RepetitionPenalty != 1.0 && seen is { Count: > 0 })
        {
            x = Penalize(x, seen, options.RepetitionPenalty);
        }

        if (options.Temperature == 0)
        {
            return (int)x.argmax().item<long>(); // host: the chosen token
        }

        x = x / options.Temperature;
        if (options.TopK > 0 && options.TopK < x.shape[0])
        {
            // TopKLogitsWarper: everything below the k-th largest logit is removed.
            var kth = x.topk(options.TopK).values[-1];
            x = x.masked_fill(x < kth, double.NegativeInfinity);
        }

        if (options.TopP < 1.0)
        {
            // TopPLogitsWarper: sort ascending, drop the tokens whose cumulative probability is <= 1 - top_p,
            // always keeping the most likely one.
            var (sorted, order) = x.sort(descending: false);
            var cumulative = sorted.softmax(-1).cumsum(-1);
            var remove = cumulative <= (1 - options.TopP);
            remove[-1] = tensor(false, device: remove.device);
            var removeOriginal = zeros_like(remove).scatter(0, order, remove);
            x = x.masked_fill(removeOriginal, double.NegativeInfinity);
        }

        // host: the draw is made on the host from the seeded CPU generator, so a seed gives one stream on every device
        var probs = x.softmax(-1).cpu();
        return (int)probs.multinomial(1, false, generator).item<long>(); // host: the chosen token
    }

    /// <summary>
    /// HF's <c>RepetitionPenaltyLogitsProcessor</c> on one row (V): each id in <paramref name="seen"/> (repeats count
    /// once) gets <c>logit &lt; 0 ? logit * penalty : logit / penalty</c>; the other logits are unchanged. A new tensor.
    /// </summary>
    public static Tensor Penalize(Tensor logits, IEnumerable<int> seen, double penalty)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(seen);
        using var scope = NewDisposeScope();
        var ids = tensor(seen.Distinct().Select(i => (long)i).ToArray(), device: logits.device); // host: the row's ids, a few hundred at most per step
        var picked = logits.gather(0, ids);
        var penalized = where(picked < 0, picked * penalty, picked / penalty);
        return logits.scatter(0, ids, penalized).MoveToOuterDisposeScope();
    }
}
