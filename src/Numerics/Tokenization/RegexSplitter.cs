using System.Text.RegularExpressions;

namespace Shear.Numerics.Tokenization;

/// <summary>HF <c>SplitDelimiterBehavior</c>: how matches of a pattern cut a string.</summary>
internal static class RegexSplitter
{
    public static List<string> Split(string text, Regex pattern, string behavior)
    {
        var pieces = new List<(string Text, bool IsMatch)>();
        int last = 0;
        foreach (var (index, length) in CodePointMatcher.Matches(pattern, text))
        {
            if (length == 0)
            {
                continue;
            }

            if (index > last)
            {
                pieces.Add((text[last..index], false));
            }

            pieces.Add((text.Substring(index, length), true));
            last = index + length;
        }

        if (last < text.Length)
        {
            pieces.Add((text[last..], false));
        }

        return behavior switch
        {
            "Isolated" => pieces.Select(p => p.Text).ToList(),
            "Removed" => pieces.Where(p => !p.IsMatch).Select(p => p.Text).ToList(),
            "MergedWithPrevious" => Merge(pieces, withNext: false),
            "MergedWithNext" => Merge(pieces, withNext: true),
            "Contiguous" => Contiguous(pieces),
            _ => throw new NotSupportedException($"tokenizer Split behavior '{behavior}' is not supported"),
        };
    }

    private static List<string> Merge(List<(string Text, bool IsMatch)> pieces, bool withNext)
    {
        var result = new List<string>();
        string pending = "";
        foreach (var (t, isMatch) in pieces)
        {
            if (withNext)
            {
                if (isMatch)
                {
                    if (pending.Length > 0)
                    {
                        result.Add(pending);
                    }

                    pending = t;
                }
                else
                {
                    result.Add(pending + t);
                    pending = "";
                }
            }
            else if (isMatch && result.Count > 0)
            {
                result[^1] += t;
            }
            else
            {
                result.Add(t);
            }
        }

        if (pending.Length > 0)
        {
            result.Add(pending);
        }

        return result;
    }

    private static List<string> Contiguous(List<(string Text, bool IsMatch)> pieces)
    {
        var result = new List<string>();
        bool? lastKind = null;
        foreach (var (t, isMatch) in pieces)
        {
            if (lastKind == isMatch && isMatch)
            {
                result[^1] += t;
            }
            else
            {
                result.Add(t);
            }

            lastKind = isMatch;
        }

        return result;
    }
}
