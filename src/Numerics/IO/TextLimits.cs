using System.Text;

namespace Shear.Numerics.IO;

/// <summary>
/// Reading users' text files within bounds: strict UTF-8 (a bad byte is an error, not a silent replacement), lines and
/// whole files of bounded size (one 100 MB line must not take gigabytes), decompressed sizes bounded (a gzip bomb).
/// </summary>
public static class TextLimits
{
    /// <summary>Longest line (or document) read, in characters.</summary>
    public const int MaxLineChars = 16 << 20;

    /// <summary>Largest file read whole, in bytes.</summary>
    public const long MaxWholeFileBytes = 512L << 20;

    /// <summary>UTF-8 that throws on invalid bytes.</summary>
    public static readonly Encoding StrictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);

    /// <summary>
    /// The lines of <paramref name="reader"/> (as <see cref="TextReader.ReadLine"/> splits them), refusing a line
    /// longer than <see cref="MaxLineChars"/> before it is read whole.
    /// </summary>
    /// <exception cref="InvalidDataException">A line is too long (its number is named).</exception>
    public static IEnumerable<string> Lines(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var line = new StringBuilder();
        var buffer = new char[1 << 16];
        int number = 1;
        bool pendingCr = false;
        for (int n = reader.Read(buffer, 0, buffer.Length); n > 0; n = reader.Read(buffer, 0, buffer.Length))
        {
            int start = 0;
            for (int i = 0; i < n; i++)
            {
                char c = buffer[i];
                if (pendingCr)
                {
                    pendingCr = false;
                    if (c == '\n')
                    {
                        start = i + 1;
                        continue;
                    }
                }

                if (c is '\n' or '\r')
                {
                    line.Append(buffer, start, i - start);
                    yield return line.ToString();
                    line.Clear();
                    number++;
                    pendingCr = c == '\r';
                    start = i + 1;
                }
            }

            line.Append(buffer, start, n - start);
            if (line.Length > MaxLineChars)
            {
                throw new InvalidDataException($"line {number} is longer than {MaxLineChars} characters");
            }
        }

        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }

    /// <summary>A whole file as strict UTF-8 text, refusing files over <see cref="MaxWholeFileBytes"/>.</summary>
    /// <exception cref="InvalidDataException">Too large, or not UTF-8.</exception>
    public static string ReadAll(string path)
    {
        long length = new FileInfo(path).Length;
        if (length > MaxWholeFileBytes)
        {
            throw new InvalidDataException($"{length} bytes is more than the {MaxWholeFileBytes >> 20} MB read whole");
        }

        try
        {
            return File.ReadAllText(path, StrictUtf8);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"not UTF-8 text (invalid byte at {e.Index})");
        }
    }

    /// <summary>
    /// Copies a decompressing stream into memory, refusing more than max(64 MB, 100 x the compressed size) or
    /// 1.5 GB: real text compresses about 3 to 10 times; a gzip bomb a thousand times.
    /// </summary>
    /// <exception cref="InvalidDataException">The output grew past the bound.</exception>
    public static MemoryStream Decompress(Stream source, long compressedLength)
    {
        ArgumentNullException.ThrowIfNull(source);
        long limit = Math.Min(1536L << 20, Math.Max(64L << 20, 100 * compressedLength));
        var output = new MemoryStream();
        var buffer = new byte[1 << 16];
        for (int n = source.Read(buffer); n > 0; n = source.Read(buffer))
        {
            if (output.Length + n > limit)
            {
                throw new InvalidDataException($"decompresses to more than {limit >> 20} MB from {compressedLength} bytes (a gzip bomb?)");
            }

            output.Write(buffer, 0, n);
        }

        output.Position = 0;
        return output;
    }
}
