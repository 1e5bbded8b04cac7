using Shear.Numerics.Data;
using Shear.Numerics.Tokenization;

namespace Shear.Numerics.Training;

/// <summary>Documents tokenized (BOS ... EOS), shuffled with CPython's random, concatenated, cut into windows.</summary>
public sealed class TokenStream
{
    private readonly int[] _tokens;
    private long _cursor;

    /// <summary>Builds the stream.</summary>
    public TokenStream(IReadOnlyList<string> documents, Tokenizer tokenizer, long seed, bool shuffle = true)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var order = Enumerable.Range(0, documents.Count).ToArray();
        if (shuffle)
        {
            var rng = new PythonRandom(seed);
            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = (int)rng.RandInt(0, i);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }

        var tokens = new List<int>();
        foreach (int i in order)
        {
            tokens.AddRange(tokenizer.Encode(documents[i]));
            if (tokenizer.EosTokenId is { } eos)
            {
                tokens.Add(eos);
            }
        }

        _tokens = [.. tokens];
    }

    /// <summary>Total tokens.</summary>
    public long Length => _tokens.Length;

    /// <summary>The first <paramref name="count"/> tokens (fewer when the stream is shorter).</summary>
    public IReadOnlyList<int> Head(int count) => _tokens[..Math.Min(count, _tokens.Length)];

    /// <summary>The next window of <paramref name="length"/> tokens, wrapping around at the end.</summary>
    public long[] Next(int length)
    {
        var window = new long[length];
        for (int i = 0; i < length; i++)
        {
            window[i] = _tokens[(_cursor + i) % _tokens.Length];
        }

        _cursor = (_cursor + length) % _tokens.Length;
        return window;
    }

    /// <summary>Up to <paramref name="count"/> non-overlapping windows from the start (for evaluation).</summary>
    public List<long[]> Windows(int length, int count)
    {
        var result = new List<long[]>();
        for (long start = 0; start + length <= _tokens.Length && result.Count < count; start += length)
        {
            result.Add(_tokens[(int)start..(int)(start + length)].Select(t => (long)t).ToArray());
        }

        return result;
    }
}
