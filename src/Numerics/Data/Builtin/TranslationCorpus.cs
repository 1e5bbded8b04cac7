using System.Text.RegularExpressions;

namespace Shear.Numerics.Data.Builtin;

/// <summary>English-French pairs from the machine's gettext catalogs, as opus_books-like records.</summary>
public static partial class TranslationCorpus
{
    /// <summary>Where Debian keeps French catalogs.</summary>
    public const string DefaultDirectory = "/usr/share/locale/fr/LC_MESSAGES";

    /// <summary>Sentence-like pairs (letters, a few words, no markup), deduplicated, in catalog and entry order.</summary>
    public static List<(string En, string Fr)> Pairs(string directory = DefaultDirectory)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pairs = new List<(string, string)>();
        foreach (var file in Directory.GetFiles(directory, "*.mo").Order(StringComparer.Ordinal))
        {
            foreach (var (en, fr) in MoCatalog.Read(file))
            {
                var e = Clean(en);
                var f = Clean(fr);
                if (Usable(e) && Usable(f) && e != f && seen.Add(e))
                {
                    pairs.Add((e, f));
                }
            }
        }

        return pairs;
    }

    /// <summary>opus_books-like records.</summary>
    public static IEnumerable<object> OpusBooks(IEnumerable<(string En, string Fr)> pairs) =>
        pairs.Select((p, i) => new { id = i.ToString(System.Globalization.CultureInfo.InvariantCulture), translation = new { en = p.En, fr = p.Fr } });

    private static string Clean(string s) => Whitespace().Replace(s.Replace("&", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal), " ").Trim();

    private static bool Usable(string s) =>
        s.Length is >= 12 and <= 240 && s.Count(char.IsLetter) >= s.Length * 0.7 && s.Contains(' ', StringComparison.Ordinal)
        && !s.Contains('%', StringComparison.Ordinal) && !s.Contains('<', StringComparison.Ordinal) && !s.Contains('{', StringComparison.Ordinal)
        && !s.Contains('\\', StringComparison.Ordinal);

    [GeneratedRegex("\\s+")]
    private static partial Regex Whitespace();
}
