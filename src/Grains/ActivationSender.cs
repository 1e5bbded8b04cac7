using Shear.Grains.Abstractions;
using Shear.Grains.Telemetry;
using Shear.Numerics.Pruning.Distributed;
using TorchSharp;

namespace Shear.Grains;

/// <summary>Sends one batch of activations to a layer grain as chunked grain messages (raw bytes, at most 4 MB each).</summary>
public static class ActivationSender
{
    /// <summary>Chunks and sends; the padding mask rides with part 0.</summary>
    public static async Task Send(ILayerGrain target, int batch, torch.Tensor hidden, torch.Tensor keep, int chunkBytes = ActivationCodec.DefaultChunkBytes)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(hidden);
        var runs = ActivationCodec.Split(hidden, chunkBytes).ToList();
        var dtype = ActivationCodec.DTypeName(hidden);
        var keepBytes = new TensorChunk("I64", keep.shape, ActivationCodec.Bytes(keep.to_type(torch.ScalarType.Int64)));
        for (int p = 0; p < runs.Count; p++)
        {
            var (start, rows, bytes) = runs[p];
            var chunk = new ActivationChunk(batch, p, runs.Count, hidden.shape, start, new TensorChunk(dtype, [rows, hidden.shape[^1]], bytes), p == 0 ? keepBytes : null);
            ShearTelemetry.ActivationBytes.Add(bytes.Length);
            await target.Receive(chunk);
        }
    }
}
