namespace Shear.Numerics.Models;

/// <summary>A <c>config.json</c> is missing, malformed or asks for something Shear does not support.</summary>
public sealed class ModelConfigException(string path, string problem) : Exception($"{path}: {problem}")
{
    /// <summary>The config file at fault.</summary>
    public string Path { get; } = path;
}
