using System.Buffers.Binary;
using System.Text;
using Shear.Numerics.Checkpoints;
using static TorchSharp.torch;

namespace Shear.Numerics.Tests.Checkpoints;

public sealed class SafetensorsTests
{
    private static string DtypesFixture => Path.Combine(Fixtures.Root, "models", "dtypes.safetensors");

    [Fact]
    public void ReadsEveryDtypeWrittenByTheIndependentWriter()
    {
        using var file = SafetensorsFile.Open(DtypesFixture);
        Assert.Equal("tests/reference/make_model_fixtures.py", file.Header.Metadata["made_by"]);
        using var scope = NewDisposeScope();
        var f32 = file.Read("f32");
        Assert.Equal(ScalarType.Float32, f32.dtype);
        Assert.Equal(new float[] { 0, 1, -2.5f, 3.140625f, 1e-3f, -65504f / 1024, 100, -0.0078125f }, f32.data<float>().ToArray());
        var bf16 = file.Read("bf16");
        Assert.Equal(ScalarType.BFloat16, bf16.dtype);
        Assert.Equal(file.Read("bf16_as_f32").data<float>().ToArray(), bf16.to_type(ScalarType.Float32).data<float>().ToArray());
        var f16 = file.Read("f16");
        Assert.Equal(ScalarType.Float16, f16.dtype);
        Assert.Equal(file.Read("f16_as_f32").data<float>().ToArray(), f16.to_type(ScalarType.Float32).data<float>().ToArray());
        var i64 = file.Read("i64");
        Assert.Equal(new long[] { -3, 0, 7, 1L << 40, -(1L << 33), 1 }, i64.data<long>().ToArray());
        Assert.Equal(new long[] { 2, 3 }, i64.shape);
    }

    [Fact]
    public void RoundTripIsBitExactForEveryDtypeAndAligned()
    {
        var dir = Fixtures.TempDir();
        var path = Path.Combine(dir, "t.safetensors");
        using var scope = NewDisposeScope();
        var source = new Dictionary<string, Tensor>
        {
            ["a.bf16"] = randn(3, 5).to_type(ScalarType.BFloat16),
            ["b.f16"] = randn(7).to_type(ScalarType.Float16),
            ["c.f32"] = randn(2, 3, 4),
            ["d.i64"] = randint(-1000, 1000, [9], dtype: ScalarType.Int64),
            ["e.scalar"] = tensor(42.5f),
        };
        SafetensorsWriter.Write(path, source.ToList(), new Dictionary<string, string> { ["format"] = "pt" });
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(0, file.Header.DataStart % 8);
        Assert.Equal("pt", file.Header.Metadata["format"]);
        foreach (var (name, t) in source)
        {
            var back = file.Read(name);
            Assert.Equal(t.dtype, back.dtype);
            Assert.Equal(t.shape, back.shape);
            Assert.Equal(t.bytes.ToArray(), back.bytes.ToArray());
        }
    }

    [Fact]
    public void WritingOverALargerFileTruncatesIt()
    {
        var path = Path.Combine(Fixtures.TempDir(), "t.safetensors");
        File.WriteAllBytes(path, new byte[100_000]);
        using var scope = NewDisposeScope();
        SafetensorsWriter.Write(path, [new("x", ones(4))]);
        Assert.True(new FileInfo(path).Length < 200, $"file is {new FileInfo(path).Length} bytes");
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(new float[] { 1, 1, 1, 1 }, file.Read("x").data<float>().ToArray());
    }

    [Fact]
    public void ReadsOneTensorWithoutTouchingTheOthersBytes()
    {
        var path = Path.Combine(Fixtures.TempDir(), "t.safetensors");
        using var scope = NewDisposeScope();
        SafetensorsWriter.Write(path, [new("first", full(1000, 3.0f)), new("second", arange(5).to_type(ScalarType.Float32))]);
        // Corrupt the first tensor's bytes on disk: reading the second must still give the right values.
        using (var fs = new FileStream(path, FileMode.Open))
        {
            var header = SafetensorsHeader.Read(path);
            fs.Position = header.DataStart;
            fs.Write(new byte[4000]);
        }

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(new float[] { 0, 1, 2, 3, 4 }, file.Read("second").data<float>().ToArray());
    }

    [Fact]
    public void TruncatedFileNamesTheFileAndTheProblem()
    {
        var path = Path.Combine(Fixtures.TempDir(), "t.safetensors");
        using (var scope = NewDisposeScope())
        {
            SafetensorsWriter.Write(path, [new("w", ones(64))]);
        }

        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]);
        var e = Assert.Throws<CheckpointFormatException>(() => SafetensorsFile.Open(path));
        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("tensor 'w' data [0,256) runs past the end of the data section (246 bytes): truncated file", e.Message, StringComparison.Ordinal);

        File.WriteAllBytes(path, bytes[..5]);
        e = Assert.Throws<CheckpointFormatException>(() => SafetensorsFile.Open(path));
        Assert.Contains("truncated safetensors file: 5 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HeaderLengthPastEndOfFileIsReported()
    {
        var path = Path.Combine(Fixtures.TempDir(), "t.safetensors");
        var bytes = new byte[40];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1_000_000);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<CheckpointFormatException>(() => SafetensorsFile.Open(path));
        Assert.Equal($"{path}: header length 1000000 runs past the end of the file (40 bytes)", e.Message);
    }

    [Fact]
    public void UnknownDtypeIsReported()
    {
        var path = WriteRaw("""{"w":{"dtype":"F8_E5M2","shape":[2],"data_offsets":[0,2]}}""", 2);
        var e = Assert.Throws<CheckpointFormatException>(() => SafetensorsFile.Open(path));
        Assert.Contains("tensor 'w' has unknown dtype 'F8_E5M2'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BytesThatDoNotMatchTheShapeAreReported()
    {
        var path = WriteRaw("""{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}""", 24);
        var e = Assert.Throws<CheckpointFormatException>(() => SafetensorsFile.Open(path));
        Assert.Contains("tensor 'w' has 20 bytes but shape [2,3] of F32 needs 24", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HeaderThatIsNotJsonIsReported()
    {
        var path = WriteRaw("{not json", 0);
        var e = Assert.Throws<CheckpointFormatException>(() => SafetensorsFile.Open(path));
        Assert.Contains("header is not valid JSON", e.Message, StringComparison.Ordinal);
    }

    private static string WriteRaw(string header, int dataBytes)
    {
        var path = Path.Combine(Fixtures.TempDir(), "raw.safetensors");
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
