using Shear.Grains.Abstractions;

namespace Shear.Grains;

/// <summary>
/// Bytes between a job and its shards (<see cref="ShardBytes"/>): inline up to <see cref="InlineBytes"/>, else a file on
/// the shared volume (the job's work folder) that the reader deletes after reading.
/// </summary>
internal static class ShardPayload
{
    /// <summary>Payloads larger than this go through a file on the shared volume rather than a message.</summary>
    public const int InlineBytes = 16 << 20;

    /// <summary>Wraps <paramref name="bytes"/> for a message, writing them to <paramref name="file"/> when they are too many.</summary>
    public static ShardBytes Pack(int layer, byte[] bytes, string file)
    {
        if (bytes.Length <= InlineBytes)
        {
            return new ShardBytes(layer, bytes, null, bytes.Length);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, bytes);
        return new ShardBytes(layer, null, file, bytes.Length);
    }

    /// <summary>The bytes of a payload (a file is read and deleted).</summary>
    public static byte[] Unpack(ShardBytes payload)
    {
        if (payload.Bytes is not null)
        {
            return payload.Bytes;
        }

        var bytes = File.ReadAllBytes(payload.File!);
        File.Delete(payload.File!);
        return bytes;
    }
}
