namespace Shear.Grains.Abstractions;

/// <summary>Limits silos and clients must agree on (shared/ORLEANS.md: a mismatch drops connections or times out).</summary>
public static class ShearLimits
{
    /// <summary>Message body limit on every silo and client (bulk bytes go in chunks of <see cref="ChunkBytes"/>).</summary>
    public const int MaxMessageBodySize = 64 << 20;

    /// <summary>Bytes per chunk when bulk bytes travel as grain messages (shared/ORLEANS.md: keep messages at 4-16 MB).</summary>
    public const int ChunkBytes = 4 << 20;
}
