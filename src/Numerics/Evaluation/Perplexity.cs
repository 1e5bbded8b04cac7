using Shear.Numerics.Models;
using static TorchSharp.torch;

namespace Shear.Numerics.Evaluation;

/// <summary>
/// Wanda's <c>eval_ppl</c> (ANCHORS §1.10): the token stream cut into <c>numel // seqlen</c> non-overlapping windows;
/// per window the mean next-token cross-entropy over its seqlen - 1 predictions is scaled by seqlen (the reference's
/// <c>nll = loss * seqlen</c>), and <c>ppl = exp(sum nll / (windows * seqlen))</c>. Windows run in batches. The
/// standard error is <see cref="StandardError.OfPerplexity"/> over the windows' mean losses.
/// </summary>
public static class Perplexity
{
    /// <summary>Perplexity of <paramref name="model"/> on <paramref name="tokens"/>; throws when fewer than seqlen tokens.</summary>
    /// <exception cref="ArgumentException">Not even one window.</exception>
    public static double Evaluate(CausalLM model, IReadOnlyList<int> tokens, int seqlen, int batch = 8) => Measure(model, tokens, seqlen, batch).Value;

    /// <summary>Perplexity of <paramref name="model"/> on <paramref name="tokens"/>, its standard error over windows, and each window's mean NLL.</summary>
    /// <exception cref="ArgumentException">Not even one window.</exception>
    public static Measured Measure(CausalLM model, IReadOnlyList<int> tokens, int seqlen, int batch = 8)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(seqlen, 2);
        int windows = tokens.Count / seqlen;
        if (windows == 0)
        {
            throw new ArgumentException($"perplexity needs at least seqlen {seqlen} tokens, got {tokens.Count}");
        }

        double nll = 0;
        var losses = new List<double>(windows);
        using var noGrad = no_grad();
        for (int start = 0; start < windows; start += batch)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(batch, windows - start);
            var ids = tensor(tokens.Skip(start * seqlen).Take(n * seqlen).Select(t => (long)t).ToArray(), device: model.Options.Device).reshape(n, seqlen);
            var logits = model.Forward(ids).to_type(ScalarType.Float32);                         // (n, T, V)
            var shifted = logits.narrow(1, 0, seqlen - 1).reshape(-1, logits.shape[^1]);        // (n*(T-1), V)
            var targets = ids.narrow(1, 1, seqlen - 1).reshape(-1);                              // (n*(T-1))
            var perWindow = nn.functional.cross_entropy(shifted, targets, reduction: nn.Reduction.None).reshape(n, seqlen - 1).mean([1L]);
            // host: each window's mean loss, the measurement itself
            var windowLosses = perWindow.cpu().data<float>().ToArray();
            nll += windowLosses.Sum(l => (double)l) * seqlen;
            losses.AddRange(windowLosses.Select(l => (double)l));
        }

        return new Measured(Math.Exp(nll / ((double)windows * seqlen)), StandardError.OfPerplexity(losses), [.. losses]);
    }
}
