using Shear.Numerics.Models;
using Shear.Numerics.Tokenization;
using static TorchSharp.torch;

namespace Shear.Numerics.Evaluation.Choice;

/// <summary>
/// lm-eval's <c>loglikelihood</c> requests at df3da98 (ANCHORS §4.3): trailing spaces of the context move into the
/// continuation; <c>whole = enc(ctx + cont)</c>, <c>ctx = enc(ctx)</c>, <c>cont = whole[len(ctx):]</c>, without special
/// tokens (an empty context becomes the EOS token; BOS optional, off in the reference); the input is the last
/// max-length + 1 tokens minus the final one, and the continuation's token log-probabilities are summed. Requests run
/// right-padded in batches.
/// </summary>
public sealed class LogLikelihood(CausalLM model, Tokenizer tokenizer, bool addBos = false, int batchSize = 16)
{
    /// <summary>Summed log-probability of each continuation, and whether greedy decoding would have produced it.</summary>
    public List<(double LogLikelihood, bool IsGreedy)> Score(IReadOnlyList<(string Context, string Continuation)> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var encoded = requests.Select(r => Encode(r.Context, r.Continuation)).ToList();
        var results = new (double, bool)[requests.Count];
        using var noGrad = no_grad();
        for (int start = 0; start < encoded.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var chunk = encoded.Skip(start).Take(batchSize).ToList();
            int longest = chunk.Max(e => e.Context.Length + e.Continuation.Length - 1);
            var ids = new long[chunk.Count, longest];
            var keep = new long[chunk.Count, longest];
            for (int b = 0; b < chunk.Count; b++)
            {
                var input = chunk[b].Context.Concat(chunk[b].Continuation).Take(chunk[b].Context.Length + chunk[b].Continuation.Length - 1).ToArray();
                for (int t = 0; t < input.Length; t++)
                {
                    (ids[b, t], keep[b, t]) = (input[t], 1);
                }
            }

            // host: the batch's token ids and padding, made here; Forward copies them to the model's device
            var logp = model.Forward(tensor(ids), tensor(keep)).to_type(ScalarType.Float32).log_softmax(-1); // (B, T, V)
            for (int b = 0; b < chunk.Count; b++)
            {
                var (context, continuation) = chunk[b];
                int first = context.Length - 1; // position whose logits predict the first continuation token
                var rows = logp[b].narrow(0, first, continuation.Length);                              // (C, V)
                var target = tensor(continuation.Select(x => (long)x).ToArray(), device: logp.device).unsqueeze(1); // (C, 1)
                double ll = rows.gather(1, target).sum().item<float>();                                 // host: the measurement
                bool greedy = rows.argmax(1).equal(target.squeeze(1)).all().item<bool>();                // host: the measurement
                results[start + b] = (ll, greedy);
            }
        }

        return [.. results];
    }

    private (int[] Context, int[] Continuation) Encode(string context, string continuation)
    {
        int spaces = context.Length - context.TrimEnd(' ').Length;
        if (spaces > 0)
        {
            continuation = context[^spaces..] + continuation;
            context = context[..^spaces];
        }

        int[] ctx, cont;
        if (context.Length == 0)
        {
            ctx = [tokenizer.EosTokenId ?? throw new InvalidOperationException("an empty context needs the tokenizer's EOS token")];
            cont = tokenizer.Encode(continuation, addSpecialTokens: false);
        }
        else
        {
            var whole = tokenizer.Encode(context + continuation, addSpecialTokens: false);
            ctx = tokenizer.Encode(context, addSpecialTokens: false);
            cont = whole[Math.Min(ctx.Length, whole.Length)..];
        }

        if (cont.Length == 0)
        {
            throw new ArgumentException($"continuation '{continuation}' adds no tokens to its context");
        }

        if (addBos && tokenizer.BosTokenId is { } bos)
        {
            ctx = [bos, .. ctx];
        }

        // Keep the last max-length + 1 tokens (the input drops the final one).
        int limit = model.Config.MaxPositionEmbeddings + 1;
        int excess = ctx.Length + cont.Length - limit;
        return excess > 0 ? (ctx[Math.Min(excess, ctx.Length - 1)..], cont) : (ctx, cont);
    }
}
