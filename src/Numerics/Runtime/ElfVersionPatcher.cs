using System.Buffers.Binary;
using System.Text;

namespace Shear.Numerics.Runtime;

/// <summary>
/// Marks symbol-version requirements of an ELF64 shared object as weak (<c>VER_FLG_WEAK</c>) when the
/// running system cannot satisfy them. Used for TorchSharp's <c>libLibTorchSharp.so</c>, which asks for
/// <c>GLIBCXX_3.4.32</c> although no relocation binds a symbol of that version (see shared/TORCHSHARP.md).
/// </summary>
public static class ElfVersionPatcher
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>One version requirement (<c>Elf64_Vernaux</c>) of an ELF file.</summary>
    /// <param name="Library">The needed library (<c>vn_file</c>), e.g. <c>libstdc++.so.6</c>.</param>
    /// <param name="Version">The version name, e.g. <c>GLIBCXX_3.4.32</c>.</param>
    /// <param name="FlagsOffset">File offset of <c>vna_flags</c>.</param>
    /// <param name="Flags">Current <c>vna_flags</c>.</param>
    public readonly record struct VersionNeed(string Library, string Version, long FlagsOffset, ushort Flags)
    {
        /// <summary>True when the requirement is already weak.</summary>
        public bool IsWeak => (Flags & VerFlgWeak) != 0;
    }

    /// <summary>Reads every version requirement of an ELF64 little-endian file.</summary>
    /// <exception cref="InvalidDataException">The file is not a well-formed ELF64 LE object.</exception>
    public static IReadOnlyList<VersionNeed> ReadVersionNeeds(byte[] elf)
    {
        ArgumentNullException.ThrowIfNull(elf);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException("not an ELF64 little-endian file");
        }

        var span = elf.AsSpan();
        long shoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(span[0x28..]);
        int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3A..]);
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3C..]);
        var result = new List<VersionNeed>();
        for (int i = 0; i < shnum; i++)
        {
            var sh = Slice(span, shoff + (long)i * shentsize, 64);
            if (BinaryPrimitives.ReadUInt32LittleEndian(sh[4..]) != ShtGnuVerneed)
            {
                continue;
            }

            long offset = (long)BinaryPrimitives.ReadUInt64LittleEndian(sh[24..]);
            int link = (int)BinaryPrimitives.ReadUInt32LittleEndian(sh[40..]);
            int count = (int)BinaryPrimitives.ReadUInt32LittleEndian(sh[44..]);
            long strOffset = (long)BinaryPrimitives.ReadUInt64LittleEndian(Slice(span, shoff + (long)link * shentsize, 64)[24..]);
            ReadVerneedChain(span, offset, count, strOffset, result);
        }

        return result;
    }

    private static void ReadVerneedChain(ReadOnlySpan<byte> span, long offset, int count, long strOffset, List<VersionNeed> result)
    {
        long vn = offset;
        for (int n = 0; n < count; n++)
        {
            var need = Slice(span, vn, 16);
            int auxCount = BinaryPrimitives.ReadUInt16LittleEndian(need[2..]);
            string file = ReadString(span, strOffset + BinaryPrimitives.ReadUInt32LittleEndian(need[4..]));
            long aux = vn + BinaryPrimitives.ReadUInt32LittleEndian(need[8..]);
            for (int a = 0; a < auxCount; a++)
            {
                var vna = Slice(span, aux, 16);
                ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(vna[4..]);
                string name = ReadString(span, strOffset + BinaryPrimitives.ReadUInt32LittleEndian(vna[8..]));
                result.Add(new VersionNeed(file, name, aux + 4, flags));
                aux += BinaryPrimitives.ReadUInt32LittleEndian(vna[12..]);
            }

            vn += BinaryPrimitives.ReadUInt32LittleEndian(need[12..]);
        }
    }

    /// <summary>
    /// Sets <c>VER_FLG_WEAK</c> on each requirement whose version <paramref name="isAvailable"/> rejects.
    /// Returns the versions it weakened (empty when nothing had to change).
    /// </summary>
    public static IReadOnlyList<string> WeakenMissing(byte[] elf, Func<VersionNeed, bool> isAvailable)
    {
        ArgumentNullException.ThrowIfNull(isAvailable);
        var changed = new List<string>();
        foreach (var need in ReadVersionNeeds(elf))
        {
            if (need.IsWeak || isAvailable(need))
            {
                continue;
            }

            BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan((int)need.FlagsOffset, 2), (ushort)(need.Flags | VerFlgWeak));
            changed.Add(need.Version);
        }

        return changed;
    }

    /// <summary>The set of version names a shared library defines (its <c>GLIBCXX_x.y.z</c> strings).</summary>
    public static HashSet<string> DefinedVersionStrings(byte[] library, string prefix)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var pattern = Encoding.ASCII.GetBytes(prefix);
        var span = library.AsSpan();
        int start = 0;
        while (true)
        {
            int i = span[start..].IndexOf(pattern);
            if (i < 0)
            {
                break;
            }

            int begin = start + i;
            int end = begin;
            while (end < span.Length && span[end] != 0)
            {
                end++;
            }

            found.Add(Encoding.ASCII.GetString(span[begin..end]));
            start = end;
        }

        return found;
    }

    /// <summary>
    /// Weakens, in the ELF file at <paramref name="path"/>, every libstdc++ version requirement that the system's
    /// libstdc++ does not define; writes a temp file beside it and renames it over the original. Returns what changed.
    /// </summary>
    public static IReadOnlyList<string> PatchIfNeeded(string path)
    {
        var libstdcxx = FindLibStdCxx();
        if (libstdcxx is null)
        {
            return [];
        }

        var system = File.ReadAllBytes(libstdcxx);
        var available = DefinedVersionStrings(system, "GLIBCXX_");
        available.UnionWith(DefinedVersionStrings(system, "CXXABI_"));
        var bytes = File.ReadAllBytes(path);
        var changed = WeakenMissing(bytes, need =>
            !need.Library.StartsWith("libstdc++", StringComparison.Ordinal) || available.Contains(need.Version));
        if (changed.Count == 0)
        {
            return changed;
        }

        // Another process may have the old file mapped: write a new inode and rename it into place.
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
        return changed;
    }

    /// <summary>The libstdc++ the dynamic loader will use: the one mapped into this process, else a standard path.</summary>
    public static string? FindLibStdCxx()
    {
        if (File.Exists("/proc/self/maps"))
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                int slash = line.IndexOf('/', StringComparison.Ordinal);
                if (slash >= 0 && line.Contains("libstdc++.so", StringComparison.Ordinal))
                {
                    return line[slash..];
                }
            }
        }

        string[] known = ["/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6"];
        return known.FirstOrDefault(File.Exists);
    }

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> span, long offset, int length)
    {
        if (offset < 0 || offset + length > span.Length)
        {
            throw new InvalidDataException($"ELF structure at offset {offset} (+{length}) lies past the end of the file ({span.Length} bytes)");
        }

        return span.Slice((int)offset, length);
    }

    private static string ReadString(ReadOnlySpan<byte> span, long offset)
    {
        var rest = Slice(span, offset, 1).Length == 1 ? span[(int)offset..] : default;
        int end = rest.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? rest : rest[..end]);
    }
}

