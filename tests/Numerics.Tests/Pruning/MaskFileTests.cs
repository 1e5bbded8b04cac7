using Shear.Numerics.Pruning;
using static TorchSharp.torch;

namespace Shear.Numerics.Tests.Pruning;

public sealed class MaskFileTests
{
    [Fact]
    public void PacksLeastSignificantBitFirst()
    {
        using var scope = NewDisposeScope();
        // elements 0, 2, 9 pruned of 11: byte 0 = 1 + 4 = 5, byte 1 = 2 (bit 1 = element 9).
        var mask = zeros(11, ScalarType.Bool);
        mask[0] = tensor(true);
        mask[2] = tensor(true);
        mask[9] = tensor(true);
        Assert.Equal(new byte[] { 5, 2 }, MaskFile.Pack(mask).data<byte>().ToArray());
    }

    [Fact]
    public void RoundTripsThroughAFile()
    {
        using var scope = NewDisposeScope();
        manual_seed(9);
        var mask = rand(13, 29) < 0.4;
        var path = Path.Combine(Fixtures.TempDir(), MaskFile.FileName("model.layers.0.mlp.up_proj"));
        MaskFile.Write(path, mask);
        using (var file = Shear.Numerics.Checkpoints.SafetensorsFile.Open(path))
        {
            Assert.Equal((13 * 29 + 7) / 8, file.Header.Tensors["mask"].ByteLength); // 377 bits -> 48 bytes
        }

        var back = MaskFile.Read(path);
        Assert.Equal(mask.shape, back.shape);
        Assert.True(mask.equal(back).all().item<bool>());
    }
}
