namespace Shear.Numerics.Tokenization;

/// <summary>Cuts raw text at added tokens (leftmost, longest match first), as HF does before normalization.</summary>
internal sealed class AddedTokenSplitter
{
    private readonly Dictionary<char, AddedToken[]> _byFirstChar;
    private readonly Dictionary<string, int> _ids;

    public AddedTokenSplitter(IReadOnlyList<AddedToken> tokens)
    {
        // Candidates by first character, longest first, so a match at a position is found with few comparisons.
        _byFirstChar = tokens.Where(t => t.Content.Length > 0)
            .GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());
        _ids = tokens.GroupBy(t => t.Content, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Id, StringComparer.Ordinal);
    }

    public int? IdOf(string content) => _ids.TryGetValue(content, out var id) ? id : null;

    /// <summary>Segments of plain text (id null) and added tokens (their id), in order.</summary>
    public IEnumerable<(string Text, int? Id)> Split(string text)
    {
        if (_byFirstChar.Count == 0)
        {
            if (text.Length > 0)
            {
                yield return (text, null);
            }

            yield break;
        }

        int start = 0, pos = 0;
        while (pos < text.Length)
        {
            var hit = Match(text, pos);
            if (hit is null)
            {
                pos++;
                continue;
            }

            int end = pos + hit.Content.Length;
            int plainEnd = pos;
            if (hit.LStrip)
            {
                while (plainEnd > start && char.IsWhiteSpace(text[plainEnd - 1]))
                {
                    plainEnd--;
                }
            }

            if (plainEnd > start)
            {
                yield return (text[start..plainEnd], null);
            }

            yield return (hit.Content, hit.Id);
            if (hit.RStrip)
            {
                while (end < text.Length && char.IsWhiteSpace(text[end]))
                {
                    end++;
                }
            }

            start = pos = end;
        }

        if (start < text.Length)
        {
            yield return (text[start..], null);
        }
    }

    private AddedToken? Match(string text, int pos)
    {
        if (!_byFirstChar.TryGetValue(text[pos], out var candidates))
        {
            return null;
        }

        foreach (var t in candidates)
        {
            if (string.CompareOrdinal(text, pos, t.Content, 0, t.Content.Length) == 0)
            {
                return t;
            }
        }

        return null;
    }
}
