namespace Shear.Numerics.Data;

/// <summary>A data file is missing, malformed or empty; the message names the file (and line) and the problem.</summary>
public sealed class DataFormatException(string path, string problem) : Exception($"{path}: {problem}")
{
    /// <summary>The file at fault.</summary>
    public string Path { get; } = path;
}
