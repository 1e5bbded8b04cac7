namespace Shear.Numerics.IO;

/// <summary>Helpers for outputs that appear whole or not at all: write to a temp path, then rename.</summary>
public static class AtomicFile
{
    /// <summary>A unique temp path in the same folder as <paramref name="path"/> (so the rename stays on one file system).</summary>
    public static string TempPathFor(string path)
    {
        var full = Path.GetFullPath(path);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
    }

    /// <summary>Checks, before any work, that a file can be written at <paramref name="path"/>: not a folder, in an existing folder.</summary>
    /// <exception cref="IOException">What is in the way (named with <paramref name="option"/>).</exception>
    public static void CheckTarget(string path, string option)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new IOException($"{option} {path} is a folder, not a file");
        }

        var parent = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(parent))
        {
            throw new IOException(File.Exists(parent) ? $"{option} {path}: {parent} is a file, not a folder" : $"{option} {path}: folder {parent} does not exist");
        }
    }

    /// <summary>Writes text atomically.</summary>
    public static void WriteAllText(string path, string text) => Write(path, temp => File.WriteAllText(temp, text));

    /// <summary>Writes bytes atomically.</summary>
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, temp => File.WriteAllBytes(temp, bytes));

    /// <summary>Lets <paramref name="write"/> fill a temp file, then renames it to <paramref name="path"/>.</summary>
    public static void Write(string path, Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var temp = TempPathFor(path);
        try
        {
            write(temp);
            using (var written = new FileStream(temp, FileMode.Open, FileAccess.Read))
            {
                written.Flush(flushToDisk: true); // on disk before it is renamed into place
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
