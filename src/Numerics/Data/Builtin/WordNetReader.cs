using System.Globalization;

namespace Shear.Numerics.Data.Builtin;

/// <summary>One WordNet synset: its words, gloss, hypernyms and part holonyms (by offset).</summary>
/// <param name="Offset">Byte offset in data.noun (its id).</param>
/// <param name="Words">Lemmas, underscores turned into spaces.</param>
/// <param name="Gloss">Definition (examples stripped).</param>
/// <param name="Hypernyms">Offsets of its hypernyms (<c>@</c>, <c>@i</c>).</param>
/// <param name="PartOf">Offsets of the wholes it is part of (<c>#p</c>).</param>
public sealed record Synset(long Offset, IReadOnlyList<string> Words, string Gloss, IReadOnlyList<long> Hypernyms, IReadOnlyList<long> PartOf);

/// <summary>Parses WordNet 3.0's <c>data.noun</c> (Debian's <c>wordnet-base</c>, /usr/share/wordnet).</summary>
public static class WordNetReader
{
    /// <summary>Where Debian installs the database.</summary>
    public const string DefaultDirectory = "/usr/share/wordnet";

    /// <summary>All noun synsets, by offset.</summary>
    /// <exception cref="DataFormatException">A malformed line (named by number).</exception>
    public static IReadOnlyDictionary<long, Synset> Nouns(string directory = DefaultDirectory)
    {
        var path = Path.Combine(directory, "data.noun");
        if (!File.Exists(path))
        {
            throw new DataFormatException(path, "WordNet not found (apt-get install wordnet-base)");
        }

        var result = new Dictionary<long, Synset>();
        int number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.StartsWith(' '))
            {
                continue; // licence header
            }

            try
            {
                var s = Parse(line);
                result[s.Offset] = s;
            }
            catch (Exception e) when (e is FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
            {
                throw new DataFormatException(path, $"line {number}: malformed synset ({e.Message})");
            }
        }

        return result;
    }

    private static Synset Parse(string line)
    {
        int bar = line.IndexOf(" | ", StringComparison.Ordinal);
        var fields = (bar >= 0 ? line[..bar] : line).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var gloss = bar >= 0 ? line[(bar + 3)..].Trim() : "";
        int quote = gloss.IndexOf("; \"", StringComparison.Ordinal);
        gloss = quote >= 0 ? gloss[..quote] : gloss;
        long offset = long.Parse(fields[0], CultureInfo.InvariantCulture);
        int words = int.Parse(fields[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var lemmas = Enumerable.Range(0, words).Select(i => fields[4 + (2 * i)].Replace('_', ' ')).ToList();
        int p = 4 + (2 * words);
        int pointers = int.Parse(fields[p], CultureInfo.InvariantCulture);
        var hypernyms = new List<long>();
        var partOf = new List<long>();
        for (int i = 0; i < pointers; i++)
        {
            string symbol = fields[p + 1 + (4 * i)];
            long target = long.Parse(fields[p + 2 + (4 * i)], CultureInfo.InvariantCulture);
            if (symbol is "@" or "@i")
            {
                hypernyms.Add(target);
            }
            else if (symbol == "#p")
            {
                partOf.Add(target);
            }
        }

        return new Synset(offset, lemmas, gloss, hypernyms, partOf);
    }
}
