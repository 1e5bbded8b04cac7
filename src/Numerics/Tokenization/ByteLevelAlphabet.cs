namespace Shear.Numerics.Tokenization;

/// <summary>
/// GPT-2's reversible byte-to-character map (<c>bytes_to_unicode</c>): printable Latin-1 bytes map to themselves,
/// the other 68 bytes to U+0100.. in order, so every byte string becomes a string of visible characters.
/// </summary>
public static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = Build();
    private static readonly Dictionary<char, byte> CharToByte = ByteToChar.Select((c, b) => (c, b)).ToDictionary(p => p.c, p => (byte)p.b);

    private static char[] Build()
    {
        var map = new char[256];
        var direct = new bool[256];
        foreach (var (lo, hi) in new[] { ('!', '~'), ('¡', '¬'), ('®', 'ÿ') })
        {
            for (int c = lo; c <= hi; c++)
            {
                direct[c] = true;
                map[c] = (char)c;
            }
        }

        int n = 0;
        for (int b = 0; b < 256; b++)
        {
            if (!direct[b])
            {
                map[b] = (char)(256 + n++);
            }
        }

        return map;
    }

    /// <summary>The alphabet character standing for byte <paramref name="b"/>.</summary>
    public static char CharOf(byte b) => ByteToChar[b];

    /// <summary>Maps UTF-8 bytes of <paramref name="text"/> to alphabet characters.</summary>
    public static string Encode(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        return string.Create(bytes.Length, bytes, (span, b) =>
        {
            for (int i = 0; i < b.Length; i++)
            {
                span[i] = ByteToChar[b[i]];
            }
        });
    }

    /// <summary>
    /// Appends the bytes an alphabet string stands for. As in HF, a token with any character outside the alphabet
    /// (an added token such as <c>&lt;|endoftext|&gt;</c> written differently) contributes its own UTF-8 bytes.
    /// </summary>
    public static void Decode(string token, List<byte> into)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(into);
        if (!token.All(CharToByte.ContainsKey))
        {
            into.AddRange(System.Text.Encoding.UTF8.GetBytes(token));
            return;
        }

        foreach (var c in token)
        {
            into.Add(CharToByte[c]);
        }
    }
}
