using System.Text.RegularExpressions;

namespace Shear.Numerics.Evaluation.Translation;

/// <summary>
/// NLTK's <c>NLTKWordTokenizer</c> (nltk/tokenize/destructive.py, 3.8), the word splitter behind <c>word_tokenize</c>:
/// starting quotes, punctuation, brackets, double dashes, ending quotes and contractions, then whitespace split.
/// <c>word_tokenize</c> first splits sentences with Punkt, whose English model is NLTK data that Shear does not ship;
/// so text is tokenized as one sentence (<c>preserve_line=True</c>): a period inside a line stays on its word.
/// </summary>
public static partial class WordTokenizer
{
    private static readonly (Regex Pattern, string Replacement)[] StartingQuotes =
    [
        (new Regex("([«“‘„]|[`]+)"), " $1 "),
        (new Regex("^\""), "``"),
        (new Regex("(``)"), " $1 "),
        (new Regex("([ \\(\\[{<])(\"|'{2})"), "$1 `` "),
        (new Regex("(?i)(')(?!re|ve|ll|m|t|s|d|n)(\\w)\\b"), "$1 $2"),
    ];

    private static readonly (Regex Pattern, string Replacement)[] Punctuation =
    [
        (new Regex("([^\\.])(\\.)([\\]\\)}>\"'»”’ ]*)\\s*$"), "$1 $2 $3 "),
        (new Regex("([:,])([^\\d])"), " $1 $2"),
        (new Regex("([:,])$"), " $1 "),
        (new Regex("\\.{2,}"), " $0 "),
        (new Regex("[;@#$%&]"), " $0 "),
        (new Regex("([^\\.])(\\.)([\\]\\)}>\"']*)\\s*$"), "$1 $2$3 "),
        (new Regex("[?!]"), " $0 "),
        (new Regex("([^'])' "), "$1 ' "),
        (new Regex("[*]"), " $0 "),
    ];

    private static readonly (Regex Pattern, string Replacement)[] EndingQuotes =
    [
        (new Regex("([»”’])"), " $1 "),
        (new Regex("''"), " '' "),
        (new Regex("\""), " '' "),
        (new Regex("([^' ])('[sS]|'[mM]|'[dD]|') "), "$1 $2 "),
        (new Regex("([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) "), "$1 $2 "),
    ];

    private static readonly Regex[] Contractions =
    [
        new(@"(?i)\b(can)(?#X)(not)\b"), new(@"(?i)\b(d)(?#X)('ye)\b"), new(@"(?i)\b(gim)(?#X)(me)\b"),
        new(@"(?i)\b(gon)(?#X)(na)\b"), new(@"(?i)\b(got)(?#X)(ta)\b"), new(@"(?i)\b(lem)(?#X)(me)\b"),
        new(@"(?i)\b(more)(?#X)('n)\b"), new(@"(?i)\b(wan)(?#X)(na)(?=\s)"),
        new(@"(?i) ('t)(?#X)(is)\b"), new(@"(?i) ('t)(?#X)(was)\b"),
    ];

    /// <summary>The tokens of <paramref name="text"/>.</summary>
    public static List<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = ApplyAll(StartingQuotes, text);
        text = ApplyAll(Punctuation, text);
        text = Brackets().Replace(text, " $0 ");
        text = text.Replace("--", " -- ", StringComparison.Ordinal);
        text = ApplyAll(EndingQuotes, " " + text + " ");
        foreach (var c in Contractions)
        {
            text = c.Replace(text, " $1 $2 ");
        }

        return [.. text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)];
    }

    private static string ApplyAll((Regex Pattern, string Replacement)[] rules, string text)
    {
        foreach (var (pattern, replacement) in rules)
        {
            text = pattern.Replace(text, replacement);
        }

        return text;
    }

    [GeneratedRegex(@"[\]\[\(\)\{\}\<\>]")]
    private static partial Regex Brackets();
}
