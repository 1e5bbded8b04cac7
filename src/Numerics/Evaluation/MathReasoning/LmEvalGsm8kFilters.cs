using System.Text.RegularExpressions;

namespace Shear.Numerics.Evaluation.MathReasoning;

/// <summary>
/// lm-eval's gsm8k-cot answer filters (ANCHORS §4.3): strict (<c>The answer is N.</c>) and flexible (the last number),
/// and exact_match after ignoring case, commas, dollar signs, everything up to <c>#### </c> and a final period.
/// </summary>
public static partial class LmEvalGsm8kFilters
{
    /// <summary>The strict filter's answer, or <see cref="Gsm8kPrompt.Invalid"/>.</summary>
    public static string Strict(string completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        var m = StrictPattern().Match(completion);
        return m.Success ? m.Groups[1].Value : Gsm8kPrompt.Invalid;
    }

    /// <summary>The flexible filter's answer: the last number in the text, or <see cref="Gsm8kPrompt.Invalid"/>.</summary>
    public static string Flexible(string completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        var matches = NumberPattern().Matches(completion);
        return matches.Count == 0 ? Gsm8kPrompt.Invalid : matches[^1].Value;
    }

    /// <summary>exact_match with lm-eval's normalisation applied to both sides.</summary>
    public static bool ExactMatch(string prediction, string reference) => Normalize(prediction) == Normalize(reference);

    private static string Normalize(string s)
    {
        s = UpToHashes().Replace(s.ToLowerInvariant(), "");
        s = s.Replace(",", "", StringComparison.Ordinal).Replace("$", "", StringComparison.Ordinal);
        return FinalPeriod().Replace(s, "").Trim();
    }

    // lm-eval's pattern as written in gsm8k-cot.yaml: its final '.' is not escaped, so any character ends the answer.
    [GeneratedRegex(@"The answer is (\-?[0-9\.\,]+).")]
    private static partial Regex StrictPattern();

    [GeneratedRegex(@"(-?[$0-9.,]{2,})|(-?[0-9]+)")]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"(?s).*#### ")]
    private static partial Regex UpToHashes();

    [GeneratedRegex(@"\.$")]
    private static partial Regex FinalPeriod();
}
