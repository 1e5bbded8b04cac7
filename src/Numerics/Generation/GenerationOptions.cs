namespace Shear.Numerics.Generation;

/// <summary>How to continue prompts.</summary>
public sealed record GenerationOptions
{
    /// <summary>Most tokens generated per prompt.</summary>
    /// <value>Default 128.</value>
    public int MaxNewTokens { get; init; } = 128;

    /// <summary>Sampling temperature; 0 means greedy (argmax, first index on ties).</summary>
    /// <value>Default 0.</value>
    public double Temperature { get; init; }

    /// <summary>Nucleus sampling: keep the smallest set of tokens whose probability reaches this mass (1 = off).</summary>
    /// <value>Default 1.</value>
    public double TopP { get; init; } = 1.0;

    /// <summary>Keep only the k most likely tokens (0 = off).</summary>
    /// <value>Default 0.</value>
    public int TopK { get; init; }

    /// <summary>
    /// Hugging Face's repetition penalty (<c>RepetitionPenaltyLogitsProcessor</c>, CTRL's): the logit of every token id
    /// already in the row (its prompt, BOS included, and what it generated so far) is divided by this when positive and
    /// multiplied by it when negative, before temperature, top-k and top-p (1 = off). Left padding is not part of a row.
    /// </summary>
    /// <value>Default 1 (off).</value>
    public double RepetitionPenalty { get; init; } = 1.0;

    /// <summary>Base seed: prompt i of a call samples from its own generator seeded with <c>Seed + i</c>, so a
    /// prompt's sample does not depend on which other prompts share its batch.</summary>
    /// <value>Default 0.</value>
    public long Seed { get; init; }

    /// <summary>Generation of a prompt stops when its text contains one of these; the text is cut before it.</summary>
    public IReadOnlyList<string> StopStrings { get; init; } = [];

    /// <summary>Token ids that end a sequence (not included in the output); empty = the tokenizer's/config's EOS.</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    /// <summary>Whether prompts get the tokenizer's special tokens (BOS) when encoded.</summary>
    /// <value>Default true.</value>
    public bool AddSpecialTokens { get; init; } = true;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">A value out of its range (named as its command-line option).</exception>
    public void Validate()
    {
        if (MaxNewTokens is < 1 or > Runtime.RunBounds.MaxNewTokens)
        {
            throw new ArgumentException($"--max-new-tokens {MaxNewTokens} is out of range (1 to {Runtime.RunBounds.MaxNewTokens})");
        }

        if (!(Temperature >= 0) || double.IsInfinity(Temperature))
        {
            throw new ArgumentException($"--temperature {Temperature.ToString(System.Globalization.CultureInfo.InvariantCulture)} must be 0 (greedy) or positive");
        }

        if (TopK < 0)
        {
            throw new ArgumentException($"--top-k {TopK} must be 0 (off) or positive");
        }

        if (!(RepetitionPenalty > 0) || double.IsInfinity(RepetitionPenalty))
        {
            throw new ArgumentException($"--repetition-penalty {RepetitionPenalty.ToString(System.Globalization.CultureInfo.InvariantCulture)} must be positive (1 = off)");
        }

        if (TopP is not (> 0 and <= 1))
        {
            throw new ArgumentException($"--top-p {TopP.ToString(System.Globalization.CultureInfo.InvariantCulture)} must be in (0, 1]");
        }
    }
}
