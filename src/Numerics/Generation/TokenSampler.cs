using static TorchSharp.torch;

namespace Shear.Numerics.Generation;

/// <summary>Picks the next token from one row of logits: greedy, or temperature / top-k / top-p sampling as HF's warpers.</summary>
public static class TokenSampler
{
    /// <summary>The next token for <paramref name="logits"/> (V), using <paramref name="generator"/> when sampling.</summary>
    public static int Next(Tensor logits, GenerationOptions options, Generator? generator)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(options);
        using var scope = NewDisposeScope();
        var x = logits.to_type(ScalarType.Float32);
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
}
