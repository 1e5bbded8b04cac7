namespace Shear.Numerics.Evaluation.Code;

/// <summary>Generated code cannot be isolated on this machine and the user did not accept running it without isolation.</summary>
public sealed class SandboxUnavailableException(string message) : Exception(message);
