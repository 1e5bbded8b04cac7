using Shear.Numerics.Models;
using Shear.Numerics.Tokenization;
using static TorchSharp.torch;

namespace Shear.Numerics.Generation;

/// <summary>
/// Batched autoregressive generation: prompts are left-padded into one batch (positions count only real tokens),
/// the prompt is run once to fill a KV cache, then one token per step is appended for every unfinished row.
/// </summary>
public sealed class TextGenerator(CausalLM model, Tokenizer tokenizer)
{
    /// <summary>
    /// <paramref name="count"/> continuations of one prompt, at most <paramref name="rowsPerCall"/> rows at once (what
    /// fits the device): row j is seeded with <c>Seed + j</c> however the rows are split, as in one call of all of them.
    /// </summary>
    public IReadOnlyList<GenerationResult> GenerateRepeated(string prompt, int count, GenerationOptions options, int rowsPerCall)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerCall, 1);
        var results = new List<GenerationResult>(count);
        for (int start = 0; start < count; start += rowsPerCall)
        {
            results.AddRange(Generate(Enumerable.Repeat(prompt, Math.Min(rowsPerCall, count - start)).ToList(), options with { Seed = options.Seed + start }));
        }

        return results;
    }

    /// <summary>Continues text prompts.</summary>
    public IReadOnlyList<GenerationResult> Generate(IReadOnlyList<string> prompts, GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(options);
        var encoded = prompts.Select(p => tokenizer.Encode(p, options.AddSpecialTokens)).ToList();
        return GenerateIds(encoded, options);
    }

    /// <summary>Continues token-id prompts.</summary>
    public IReadOnlyList<GenerationResult> GenerateIds(IReadOnlyList<int[]> prompts, GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (prompts.Count == 0)
        {
            return [];
        }

        if (prompts.Any(p => p.Length == 0))
        {
            throw new ArgumentException("every prompt needs at least one token (add BOS, or give it text)", nameof(prompts));
        }

        var eos = (options.EosTokenIds.Count > 0 ? options.EosTokenIds : DefaultEos()).ToHashSet();
        var rows = prompts.Select((p, i) => new Row(p, options.Temperature > 0 ? new Generator((ulong)(options.Seed + i)) : null)).ToArray();
        try
        {
            Run(rows, options, eos);
        }
        finally
        {
            foreach (var r in rows)
            {
                r.Sampler?.Dispose();
            }
        }

        return rows.Select(r => r.Result(tokenizer, options.StopStrings)).ToList();
    }

    private void Run(Row[] rows, GenerationOptions options, HashSet<int> eos)
    {
        if (options.MaxNewTokens == 0)
        {
            return;
        }

        using var outer = NewDisposeScope();
        using var noGrad = no_grad();
        using var cache = new KvCache(model.Config.NumHiddenLayers);
        var (ids, hostKeep) = LeftPad(rows);
        var keep = hostKeep.to(model.Options.Device); // grows on the device, one column per step
        var logits = model.Forward(ids, keep, cache: cache, lastOnly: true); // (B, 1, V)
        for (int step = 0; step < options.MaxNewTokens; step++)
        {
            using var inner = NewDisposeScope();
            var next = new long[rows.Length];
            for (int b = 0; b < rows.Length; b++)
            {
                next[b] = rows[b].Done ? PadId() : TokenSampler.Next(logits[b, 0], options, rows[b].Sampler, rows[b].Seen);
                rows[b].Accept((int)next[b], eos, options, tokenizer);
            }

            if (rows.All(r => r.Done))
            {
                return;
            }

            var newKeep = cat([keep, ones(rows.Length, 1, ScalarType.Int64, keep.device)], 1).MoveToOuterDisposeScope();
            // host: the sampled tokens are on the host (stop strings and EOS are checked there); Forward copies them over
            var newLogits = model.Forward(tensor(next).unsqueeze(1), newKeep, cache: cache, lastOnly: true).MoveToOuterDisposeScope();
            (keep, logits) = (newKeep, newLogits);
        }
    }

    private (Tensor Ids, Tensor Keep) LeftPad(Row[] rows)
    {
        int longest = rows.Max(r => r.Prompt.Length);
        var ids = new long[rows.Length, longest];
        var keep = new long[rows.Length, longest];
        for (int b = 0; b < rows.Length; b++)
        {
            int pad = longest - rows[b].Prompt.Length;
            for (int t = 0; t < longest; t++)
            {
                ids[b, t] = t < pad ? PadId() : rows[b].Prompt[t - pad];
                keep[b, t] = t < pad ? 0 : 1;
            }
        }

        return (tensor(ids), tensor(keep)); // host: the prompts, once; Forward copies the ids to the device
    }

    private IReadOnlyList<int> DefaultEos() =>
        model.Config.EosTokenIds.Count > 0 ? model.Config.EosTokenIds : tokenizer.EosTokenId is { } e ? [e] : [];

    private int PadId() => tokenizer.PadTokenId ?? model.Config.PadTokenId ?? tokenizer.EosTokenId ?? 0;

    /// <summary>One prompt's state during generation.</summary>
    private sealed class Row(int[] prompt, Generator? sampler)
    {
        private readonly List<int> _tokens = [];
        private readonly HashSet<int> _seen = [.. prompt];
        private FinishReason _reason = FinishReason.Length;
        private string? _text;

        public int[] Prompt => prompt;

        public Generator? Sampler => sampler;

        public bool Done { get; private set; }

        /// <summary>The ids in the row so far (prompt and generated), for the repetition penalty.</summary>
        public IReadOnlyCollection<int> Seen => _seen;

        public void Accept(int token, HashSet<int> eos, GenerationOptions options, Tokenizer tokenizer)
        {
            if (Done)
            {
                return;
            }

            if (eos.Contains(token))
            {
                (Done, _reason) = (true, FinishReason.Eos);
                return;
            }

            _tokens.Add(token);
            _seen.Add(token);
            if (options.StopStrings.Count > 0 && StopAt(tokenizer.Decode(_tokens), options.StopStrings) is { } cut)
            {
                (Done, _reason, _text) = (true, FinishReason.StopString, cut);
                return;
            }

            Done = _tokens.Count >= options.MaxNewTokens;
        }

        public GenerationResult Result(Tokenizer tokenizer, IReadOnlyList<string> stops)
        {
            var text = _text ?? tokenizer.Decode(_tokens);
            return new GenerationResult(prompt, [.. _tokens], _text ?? StopAt(text, stops) ?? text, _reason);
        }

        private static string? StopAt(string text, IReadOnlyList<string> stops)
        {
            int cut = -1;
            foreach (var s in stops)
            {
                int i = s.Length == 0 ? -1 : text.IndexOf(s, StringComparison.Ordinal);
                if (i >= 0 && (cut < 0 || i < cut))
                {
                    cut = i;
                }
            }

            return cut < 0 ? null : text[..cut];
        }
    }
}
