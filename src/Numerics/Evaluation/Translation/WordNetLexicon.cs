using System.Globalization;
using System.Text;
using Shear.Numerics.Data;

namespace Shear.Numerics.Evaluation.Translation;

/// <summary>
/// WordNet 3.0 as NLTK's <c>WordNetCorpusReader</c> sees it for METEOR: <c>synsets(word)</c> over noun, verb, adjective
/// and adverb (each through morphy: exception lists, then the detachment rules), and each synset's lemma names.
/// Reads Debian's <c>wordnet-base</c> files (<c>index.*</c>, <c>data.*</c>, <c>*.exc</c>); data lines are parsed on demand.
/// </summary>
public sealed class WordNetLexicon
{
    /// <summary>Where Debian installs the database.</summary>
    public const string DefaultDirectory = "/usr/share/wordnet";

    private static readonly (char Pos, string File)[] Parts = [('n', "noun"), ('v', "verb"), ('a', "adj"), ('r', "adv")];

    private static readonly Dictionary<char, (string Old, string New)[]> Substitutions = new()
    {
        ['n'] = [("s", ""), ("ses", "s"), ("ves", "f"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"), ("ies", "y")],
        ['v'] = [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")],
        ['a'] = [("er", ""), ("est", ""), ("er", "e"), ("est", "e")],
        ['r'] = [],
    };

    private readonly Dictionary<char, Dictionary<string, long[]>> index = [];
    private readonly Dictionary<char, Dictionary<string, string[]>> exceptions = [];
    private readonly Dictionary<char, byte[]> data = [];
    private readonly Dictionary<(char, long), string[]> lemmaCache = [];
    private readonly Dictionary<string, IReadOnlySet<string>> synonymCache = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    private WordNetLexicon(string directory)
    {
        foreach (var (pos, file) in Parts)
        {
            index[pos] = ReadIndex(Path.Combine(directory, $"index.{file}"));
            exceptions[pos] = File.ReadLines(Path.Combine(directory, $"{file}.exc"))
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(t => t.Length > 0)
                .GroupBy(t => t[0], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last()[1..], StringComparer.Ordinal);
            data[pos] = File.ReadAllBytes(Path.Combine(directory, $"data.{file}"));
        }
    }

    /// <summary>Whether WordNet's files are in <paramref name="directory"/>.</summary>
    public static bool IsAvailable(string directory = DefaultDirectory) =>
        Parts.All(p => File.Exists(Path.Combine(directory, $"index.{p.File}")) && File.Exists(Path.Combine(directory, $"data.{p.File}")));

    /// <summary>Loads the database (about 30 MB).</summary>
    /// <exception cref="DataFormatException">The files are missing (with the apt command) or malformed (file and line).</exception>
    public static WordNetLexicon Load(string directory = DefaultDirectory)
    {
        if (!IsAvailable(directory))
        {
            throw new DataFormatException(directory, "WordNet not found (apt-get install wordnet-base)");
        }

        return new WordNetLexicon(directory);
    }

    /// <summary>
    /// METEOR's synonym set of a (lowercased) word: the lemma names without "_" of every synset of the word, plus the word.
    /// Lemma names keep WordNet's case, as in NLTK.
    /// </summary>
    public IReadOnlySet<string> Synonyms(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        lock (gate)
        {
            if (synonymCache.TryGetValue(word, out var cached))
            {
                return cached;
            }

            var set = new HashSet<string>(StringComparer.Ordinal) { word };
            var lower = PythonText.Lower(word);
            foreach (var (pos, _) in Parts)
            {
                foreach (var form in Morphy(lower, pos))
                {
                    foreach (var offset in index[pos][form])
                    {
                        set.UnionWith(Lemmas(pos, offset).Where(n => !n.Contains('_', StringComparison.Ordinal)));
                    }
                }
            }

            synonymCache[word] = set;
            return set;
        }
    }

    /// <summary>NLTK's <c>_morphy</c>: base forms of <paramref name="form"/> in part of speech <paramref name="pos"/>.</summary>
    public IReadOnlyList<string> Morphy(string form, char pos)
    {
        ArgumentNullException.ThrowIfNull(form);
        var known = index[pos];
        List<string> Filter(IEnumerable<string> forms) => forms.Where(known.ContainsKey).Distinct(StringComparer.Ordinal).ToList();
        List<string> Apply(IEnumerable<string> forms) =>
            [.. forms.SelectMany(f => Substitutions[pos].Where(s => f.EndsWith(s.Old, StringComparison.Ordinal)).Select(s => f[..^s.Old.Length] + s.New))];

        if (exceptions[pos].TryGetValue(form, out var bases))
        {
            return Filter([form, .. bases]);
        }

        var forms = Apply([form]);
        var results = Filter([form, .. forms]);
        while (results.Count == 0 && forms.Count > 0)
        {
            forms = Apply(forms);
            results = Filter(forms);
        }

        return results;
    }

    private string[] Lemmas(char pos, long offset)
    {
        if (lemmaCache.TryGetValue((pos, offset), out var names))
        {
            return names;
        }

        var bytes = data[pos];
        int end = Array.IndexOf(bytes, (byte)'\n', (int)offset);
        var fields = Encoding.UTF8.GetString(bytes, (int)offset, (end < 0 ? bytes.Length : end) - (int)offset).Split(' ');
        int count = int.Parse(fields[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        names = new string[count];
        for (int i = 0; i < count; i++)
        {
            var name = fields[4 + (2 * i)];
            int mark = name.IndexOf('(', StringComparison.Ordinal);
            names[i] = mark > 0 && name.EndsWith(')') ? name[..mark] : name; // adjective markers such as (a), (p), (ip)
        }

        lemmaCache[(pos, offset)] = names;
        return names;
    }

    private static Dictionary<string, long[]> ReadIndex(string path)
    {
        var map = new Dictionary<string, long[]>(StringComparer.Ordinal);
        int number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.StartsWith(' '))
            {
                continue;
            }

            try
            {
                var t = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                int synsets = int.Parse(t[2], CultureInfo.InvariantCulture);
                int pointers = int.Parse(t[3], CultureInfo.InvariantCulture);
                int first = 4 + pointers + 2;
                map[t[0]] = [.. t[first..(first + synsets)].Select(o => long.Parse(o, CultureInfo.InvariantCulture))];
            }
            catch (Exception e) when (e is FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
            {
                throw new DataFormatException(path, $"line {number}: malformed index entry ({e.Message})");
            }
        }

        return map;
    }
}
