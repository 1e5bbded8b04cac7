namespace Shear.Grains.Abstractions;

/// <summary>Limits silos and clients must agree on (shared/ORLEANS.md: a mismatch drops connections or times out).</summary>
public static class ShearLimits
{
    /// <summary>Message body limit on every silo and client (activation chunks are 4 MB).</summary>
    public const int MaxMessageBodySize = 64 << 20;
}
