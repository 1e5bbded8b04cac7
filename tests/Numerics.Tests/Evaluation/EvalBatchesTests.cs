using Shear.Numerics.Evaluation;
using Shear.Numerics.Models;
using static TorchSharp.torch;

namespace Shear.Numerics.Tests.Evaluation;

public sealed class EvalBatchesTests
{
    private static readonly ModelConfig Config = ModelConfigLoader.Parse("test", """
        {"model_type":"llama","hidden_size":48,"intermediate_size":96,"num_hidden_layers":2,"num_attention_heads":4,
         "num_key_value_heads":2,"vocab_size":100,"rope_theta":10000.0}
        """);

    [Fact]
    public void ARowsBytesAreItsLogitsActivationsScoresAndCache()
    {
        // 10 tokens, fp32: logits 10*100*(4+4+4) = 12000; one layer 10*4*(6*48 + 3*96 + 2*2*12) = 24960;
        // scores 4 heads*10*10*4 = 1600; cache 2*2 layers*2 kv heads*12*10*4 = 3840.
        Assert.Equal(12000 + 24960 + 1600 + 3840, EvalBatches.BytesPerRow(Config, ScalarType.Float32, 10));
        // bf16: 10*100*(2+4+4) + 10*2*624 + 800 + 1920.
        Assert.Equal(10000 + 12480 + 800 + 1920, EvalBatches.BytesPerRow(Config, ScalarType.BFloat16, 10));
    }

    [Theory]
    [InlineData("cpu", 424_000L, 5)]        // half of it over 42400 bytes a row
    [InlineData("cpu", 10_000_000L, 8)]     // the benchmark's batch is the cap on CPU
    [InlineData("cpu", 1_000L, 1)]          // never fewer than one row
    [InlineData("cpu", null, 8)]            // free memory unknown: the cap
    [InlineData("cuda:0", 848_000L, 10)]
    [InlineData("cuda:0", 100_000_000L, 64)] // 8 times the cap on a GPU
    [InlineData("cuda:1", null, 64)]
    public void RowsFollowFreeMemoryUpToTheCap(string device, long? free, int rows) =>
        Assert.Equal(rows, EvalBatches.Rows(Config, new ModelOptions(ScalarType.Float32, DeviceName: device), 10, 8, free));
}
