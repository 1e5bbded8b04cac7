using static TorchSharp.torch;

namespace Shear.Numerics.Pruning;

/// <summary>A CPU tensor as dtype, shape and raw little-endian bytes in a binary stream (statistics on the wire).</summary>
internal static class TensorCodec
{
    public static void Write(BinaryWriter writer, Tensor tensor)
    {
        using var scope = NewDisposeScope();
        var c = tensor.cpu().contiguous();
        writer.Write((int)c.dtype);
        writer.Write(c.shape.Length);
        foreach (var d in c.shape)
        {
            writer.Write(d);
        }

        writer.Write(c.bytes);
    }

    public static Tensor Read(BinaryReader reader)
    {
        var dtype = (ScalarType)reader.ReadInt32();
        var shape = new long[reader.ReadInt32()];
        for (int i = 0; i < shape.Length; i++)
        {
            shape[i] = reader.ReadInt64();
        }

        var t = empty(shape, dtype);
        reader.BaseStream.ReadExactly(t.bytes);
        return t;
    }
}
