using System.Buffers.Binary;
using System.Text;

namespace Shear.Numerics.Data.Builtin;

/// <summary>Reads GNU gettext <c>.mo</c> catalogs: (msgid, msgstr) pairs, singular forms, context stripped.</summary>
public static class MoCatalog
{
    /// <summary>The pairs of one catalog, header entry excluded.</summary>
    /// <exception cref="DataFormatException">Not a .mo file, or a table that points past its end.</exception>
    public static IReadOnlyList<(string Source, string Translation)> Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 28)
        {
            throw new DataFormatException(path, "too short for a .mo header");
        }

        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        bool little = magic == 0x950412de;
        if (!little && magic != 0xde120495)
        {
            throw new DataFormatException(path, $"not a .mo file (magic 0x{magic:x8})");
        }

        uint U32(int at) => little ? BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at)) : BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at));
        int count = (int)U32(8);
        int originals = (int)U32(12), translations = (int)U32(16);
        var pairs = new List<(string, string)>(count);
        for (int i = 0; i < count; i++)
        {
            var source = Entry(bytes, path, (int)U32(originals + (8 * i)), (int)U32(originals + (8 * i) + 4));
            var target = Entry(bytes, path, (int)U32(translations + (8 * i)), (int)U32(translations + (8 * i) + 4));
            int context = source.IndexOf('\u0004', StringComparison.Ordinal);
            source = (context >= 0 ? source[(context + 1)..] : source).Split('\0')[0];
            if (source.Length > 0)
            {
                pairs.Add((source, target.Split('\0')[0]));
            }
        }

        return pairs;
    }

    private static string Entry(byte[] bytes, string path, int length, int offset)
    {
        if (offset < 0 || length < 0 || offset + length > bytes.Length)
        {
            throw new DataFormatException(path, $"string table entry [{offset}, +{length}) lies past the end ({bytes.Length} bytes)");
        }

        return Encoding.UTF8.GetString(bytes, offset, length);
    }
}
