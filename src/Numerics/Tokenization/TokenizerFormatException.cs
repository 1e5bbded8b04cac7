namespace Shear.Numerics.Tokenization;

/// <summary>A tokenizer file is missing, malformed or uses a component Shear does not implement.</summary>
public sealed class TokenizerFormatException(string path, string problem) : Exception($"{path}: {problem}")
{
    /// <summary>The file at fault.</summary>
    public string Path { get; } = path;
}
