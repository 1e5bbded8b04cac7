using Shear.Grains.Abstractions;
using Shear.Grains.Telemetry;
using Shear.Numerics.Pruning.Distributed;
using TorchSharp;

namespace Shear.Grains;

/// <summary>
/// Sends one batch of activations to a layer grain: through the silo's data plane when it runs (the receiver fetches
/// the bytes by handle), else, or when the receiver cannot reach it, as chunked grain messages (raw bytes, at most
/// 4 MB each). A receiver that dies mid-transfer fails the call: the sender's layer fails and the job resumes.
/// </summary>
public static class ActivationSender
{
    /// <summary>Sends one batch.</summary>
    public static async Task Send(ILayerGrain target, DataPlane.DataPlane? plane, int batch, torch.Tensor hidden, torch.Tensor keep)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(keep);
        var keepChunk = KeepChunk(keep);
        if (plane is { IsRunning: true })
        {
            var bytes = ActivationCodec.Bytes(hidden);
            var handle = plane.Offer(bytes);
            bool taken;
            try
            {
                taken = await target.ReceiveHandle(new ActivationHandle(batch, hidden.shape, ActivationCodec.DTypeName(hidden), handle, keepChunk));
            }
            finally
            {
                plane.Withdraw(handle); // fetched, refused, or the receiver died: the blob goes either way
            }

            if (taken)
            {
                ShearTelemetry.ActivationBytes.Add(bytes.Length);
                return;
            }
        }

        await SendChunks(target, batch, hidden, keepChunk);
    }

    /// <summary>The (B, T) padding mask as I64 bytes: small, it travels inside the grain message either way.</summary>
    public static TensorChunk KeepChunk(torch.Tensor keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        return new TensorChunk("I64", keep.shape, ActivationCodec.Bytes(keep, torch.ScalarType.Int64));
    }

    /// <summary>The fallback: chunked grain messages; the padding mask rides with part 0.</summary>
    public static async Task SendChunks(ILayerGrain target, int batch, torch.Tensor hidden, TensorChunk keepBytes, int chunkBytes = ActivationCodec.DefaultChunkBytes)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(hidden);
        var runs = ActivationCodec.Split(hidden, chunkBytes);
        var dtype = ActivationCodec.DTypeName(hidden);
        for (int p = 0; p < runs.Count; p++)
        {
            var (start, rows, bytes) = runs[p];
            var chunk = new ActivationChunk(batch, p, runs.Count, hidden.shape, start, new TensorChunk(dtype, [rows, hidden.shape[^1]], bytes), p == 0 ? keepBytes : null);
            ShearTelemetry.ActivationBytes.Add(bytes.Length);
            await target.Receive(chunk);
        }
    }
}
