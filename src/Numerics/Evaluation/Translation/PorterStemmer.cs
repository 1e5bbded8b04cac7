namespace Shear.Numerics.Evaluation.Translation;

/// <summary>
/// NLTK's <c>PorterStemmer</c> in its default NLTK_EXTENSIONS mode (nltk/stem/porter.py, NLTK 3.8): Porter's 1980
/// algorithm with Martin Porter's and NLTK's amendments (irregular forms, <c>ies</c>/<c>ied</c> on four letters,
/// <c>y</c>→<c>i</c> only after a consonant, <c>alli</c>/<c>fulli</c>/<c>logi</c>, words of two letters kept).
/// </summary>
public static class PorterStemmer
{
    private static readonly Dictionary<string, string> Irregular = new(StringComparer.Ordinal)
    {
        ["sky"] = "sky", ["skies"] = "sky", ["dying"] = "die", ["lying"] = "lie", ["tying"] = "tie", ["news"] = "news",
        ["innings"] = "inning", ["inning"] = "inning", ["outings"] = "outing", ["outing"] = "outing",
        ["cannings"] = "canning", ["canning"] = "canning", ["howe"] = "howe", ["proceed"] = "proceed",
        ["exceed"] = "exceed", ["succeed"] = "succeed",
    };

    private delegate bool Condition(string stem);

    private static readonly Condition Positive = s => Measure(s) > 0;
    private static readonly Condition Above1 = s => Measure(s) > 1;

    private static readonly (string Suffix, string Replacement, Condition? Condition)[] Step3Rules =
    [
        ("icate", "ic", Positive), ("ative", "", Positive), ("alize", "al", Positive), ("iciti", "ic", Positive),
        ("ical", "ic", Positive), ("ful", "", Positive), ("ness", "", Positive),
    ];

    private static readonly (string Suffix, string Replacement, Condition? Condition)[] Step4Rules =
    [
        ("al", "", Above1), ("ance", "", Above1), ("ence", "", Above1), ("er", "", Above1), ("ic", "", Above1),
        ("able", "", Above1), ("ible", "", Above1), ("ant", "", Above1), ("ement", "", Above1), ("ment", "", Above1),
        ("ent", "", Above1), ("ion", "", s => Measure(s) > 1 && s[^1] is 's' or 't'), ("ou", "", Above1),
        ("ism", "", Above1), ("ate", "", Above1), ("iti", "", Above1), ("ous", "", Above1), ("ive", "", Above1),
        ("ize", "", Above1),
    ];

    /// <summary>The stem of <paramref name="word"/> (lowercased first, as NLTK's default).</summary>
    public static string Stem(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        var stem = PythonText.Lower(word);
        if (Irregular.TryGetValue(word, out var irregular))
        {
            return Irregular.GetValueOrDefault(stem, irregular);
        }

        if (word.Length <= 2)
        {
            return stem;
        }

        stem = Step1A(stem);
        stem = Step1B(stem);
        stem = ApplyRules(stem, [("y", "i", s => s.Length > 1 && IsConsonant(s, s.Length - 1))]);
        stem = Step2(stem);
        stem = ApplyRules(stem, Step3Rules);
        stem = ApplyRules(stem, Step4Rules);
        stem = Step5A(stem);
        return stem.EndsWith("ll", StringComparison.Ordinal) && Measure(stem[..^1]) > 1 ? stem[..^1] : stem;
    }

    private static bool IsConsonant(string word, int i) => word[i] switch
    {
        'a' or 'e' or 'i' or 'o' or 'u' => false,
        'y' => i == 0 || !IsConsonant(word, i - 1),
        _ => true,
    };

    /// <summary>Porter's m: the number of vowel-consonant transitions.</summary>
    private static int Measure(string stem)
    {
        int m = 0;
        for (int i = 1; i < stem.Length; i++)
        {
            if (!IsConsonant(stem, i - 1) && IsConsonant(stem, i))
            {
                m++;
            }
        }

        return m;
    }

    private static bool ContainsVowel(string stem)
    {
        for (int i = 0; i < stem.Length; i++)
        {
            if (!IsConsonant(stem, i))
            {
                return true;
            }
        }

        return false;
    }

    private static bool EndsDoubleConsonant(string word) => word.Length >= 2 && word[^1] == word[^2] && IsConsonant(word, word.Length - 1);

    private static bool EndsCvc(string word) =>
        (word.Length >= 3 && IsConsonant(word, word.Length - 3) && !IsConsonant(word, word.Length - 2)
            && IsConsonant(word, word.Length - 1) && word[^1] is not ('w' or 'x' or 'y'))
        || (word.Length == 2 && !IsConsonant(word, 0) && IsConsonant(word, 1));

    /// <summary>NLTK's <c>_apply_rule_list</c>: the first rule whose suffix matches decides (<c>*d</c> = a double consonant).</summary>
    private static string ApplyRules(string word, IEnumerable<(string Suffix, string Replacement, Condition? Condition)> rules)
    {
        foreach (var (suffix, replacement, condition) in rules)
        {
            if (suffix == "*d" && EndsDoubleConsonant(word))
            {
                var doubled = word[..^2];
                return condition is null || condition(doubled) ? doubled + replacement : word;
            }

            if (word.EndsWith(suffix, StringComparison.Ordinal))
            {
                var stem = word[..^suffix.Length];
                return condition is null || condition(stem) ? stem + replacement : word;
            }
        }

        return word;
    }

    private static string Step1A(string word) => word.EndsWith("ies", StringComparison.Ordinal) && word.Length == 4
        ? word[..^3] + "ie"
        : ApplyRules(word, [("sses", "ss", null), ("ies", "i", null), ("ss", "ss", null), ("s", "", null)]);

    private static string Step1B(string word)
    {
        if (word.EndsWith("ied", StringComparison.Ordinal))
        {
            return word[..^3] + (word.Length == 4 ? "ie" : "i");
        }

        if (word.EndsWith("eed", StringComparison.Ordinal))
        {
            var stem = word[..^3];
            return Measure(stem) > 0 ? stem + "ee" : word;
        }

        string? intermediate = null;
        foreach (var suffix in new[] { "ed", "ing" })
        {
            if (word.EndsWith(suffix, StringComparison.Ordinal) && ContainsVowel(word[..^suffix.Length]))
            {
                intermediate = word[..^suffix.Length];
                break;
            }
        }

        if (intermediate is null)
        {
            return word;
        }

        char last = intermediate[^1];
        return ApplyRules(intermediate,
        [
            ("at", "ate", null), ("bl", "ble", null), ("iz", "ize", null),
            ("*d", last.ToString(), _ => last is not ('l' or 's' or 'z')),
            ("", "e", s => Measure(s) == 1 && EndsCvc(s)),
        ]);
    }

    private static string Step2(string word)
    {
        if (word.EndsWith("alli", StringComparison.Ordinal) && Measure(word[..^4]) > 0)
        {
            return Step2(word[..^4] + "al");
        }

        return ApplyRules(word,
        [
            ("ational", "ate", Positive), ("tional", "tion", Positive), ("enci", "ence", Positive), ("anci", "ance", Positive),
            ("izer", "ize", Positive), ("bli", "ble", Positive), ("alli", "al", Positive), ("entli", "ent", Positive),
            ("eli", "e", Positive), ("ousli", "ous", Positive), ("ization", "ize", Positive), ("ation", "ate", Positive),
            ("ator", "ate", Positive), ("alism", "al", Positive), ("iveness", "ive", Positive), ("fulness", "ful", Positive),
            ("ousness", "ous", Positive), ("aliti", "al", Positive), ("iviti", "ive", Positive), ("biliti", "ble", Positive),
            ("fulli", "ful", Positive), ("logi", "log", _ => Measure(word[..^3]) > 0),
        ]);
    }

    private static string Step5A(string word)
    {
        if (!word.EndsWith('e'))
        {
            return word;
        }

        var stem = word[..^1];
        int m = Measure(stem);
        return m > 1 || (m == 1 && !EndsCvc(stem)) ? stem : word;
    }
}
