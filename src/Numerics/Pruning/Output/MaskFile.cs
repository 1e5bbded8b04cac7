using System.Globalization;
using Shear.Numerics.Checkpoints;
using static TorchSharp.torch;

namespace Shear.Numerics.Pruning;

/// <summary>
/// A pruning mask stored bit-packed: a safetensors file with one U8 tensor <c>mask</c> of ceil(rows*cols/8) bytes,
/// row-major, least significant bit first (bit k of byte i is element 8i+k), 1 = pruned; metadata gives the shape.
/// </summary>
public static class MaskFile
{
    private static readonly byte[] BitWeights = [1, 2, 4, 8, 16, 32, 64, 128];

    /// <summary>The file name of one Linear's mask: <c>model.layers.3.self_attn.q_proj.mask.safetensors</c>.</summary>
    public static string FileName(string fullLinearName) => $"{fullLinearName}.mask.safetensors";

    /// <summary>Where a model folder keeps one Linear's mask: <c>FOLDER/masks/NAME.mask.safetensors</c>.</summary>
    public static string PathIn(string modelFolder, string fullLinearName) =>
        Path.Combine(modelFolder, PrunedModelWriter.MaskFolder, FileName(fullLinearName));

    /// <summary>Packs a boolean mask (any shape) into bytes.</summary>
    public static Tensor Pack(Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        using var scope = NewDisposeScope();
        var flat = mask.flatten().to_type(ScalarType.Byte);
        long padded = (flat.shape[0] + 7) / 8 * 8;
        if (padded != flat.shape[0])
        {
            flat = nn.functional.pad(flat, [0, padded - flat.shape[0]]);
        }

        var bits = flat.reshape(-1, 8) * tensor(BitWeights, ScalarType.Byte); // (n/8, 8)
        return bits.sum(1L, type: ScalarType.Byte).MoveToOuterDisposeScope();
    }

    /// <summary>Unpacks bytes into a boolean mask of <paramref name="shape"/>.</summary>
    public static Tensor Unpack(Tensor packed, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(packed);
        ArgumentNullException.ThrowIfNull(shape);
        using var scope = NewDisposeScope();
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var bits = packed.unsqueeze(1).bitwise_and(tensor(BitWeights, ScalarType.Byte)).ne(0); // (n) -> (n, 8)
        return bits.flatten().narrow(0, 0, count).reshape(shape).MoveToOuterDisposeScope();
    }

    /// <summary>Writes a mask file (atomically).</summary>
    public static void Write(string path, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        using var packed = Pack(mask.cpu());
        var metadata = new Dictionary<string, string>
        {
            ["shape"] = string.Join(",", mask.shape.Select(d => d.ToString(CultureInfo.InvariantCulture))),
            ["bit_order"] = "little",
            ["true_means"] = "pruned",
            ["format"] = "shear.mask.v1",
        };
        SafetensorsWriter.Write(path, [new("mask", packed)], metadata);
    }

    /// <summary>Reads a mask file back into a boolean tensor.</summary>
    /// <exception cref="CheckpointFormatException">Not a Shear mask file.</exception>
    public static Tensor Read(string path)
    {
        using var file = SafetensorsFile.Open(path);
        if (!file.Header.Metadata.TryGetValue("shape", out var shapeText) || !file.Contains("mask"))
        {
            throw new CheckpointFormatException(path, "not a Shear mask file (needs a 'mask' tensor and 'shape' metadata)");
        }

        var shape = shapeText.Split(',').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        using var packed = file.Read("mask");
        return Unpack(packed, shape);
    }
}
