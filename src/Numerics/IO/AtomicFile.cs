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

    /// <summary>Writes text atomically.</summary>
    public static void WriteAllText(string path, string text)
    {
        var temp = TempPathFor(path);
        try
        {
            File.WriteAllText(temp, text);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
