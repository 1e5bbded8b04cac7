using System.Buffers;
using System.Diagnostics;
using Shear.Grains.Abstractions;

namespace Shear.Grains;

/// <summary>Measures transfers between silos the way layer grains move activations (see <see cref="IProbeGrain"/>).</summary>
public sealed class ProbeGrain(DataPlane.DataPlane dataPlane) : Grain, IProbeGrain
{
    /// <inheritdoc />
    public Task<string> Where() => Task.FromResult(RuntimeIdentity);

    /// <inheritdoc />
    public async Task<double> Send(string target, int bytes, int count, bool useDataPlane)
    {
        var data = new byte[bytes];
        new Random(0).NextBytes(data);
        var other = GrainFactory.GetGrain<IProbeGrain>(target);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            if (useDataPlane)
            {
                var handle = dataPlane.Offer(data);
                try
                {
                    await other.Fetch(handle);
                }
                finally
                {
                    dataPlane.Withdraw(handle);
                }
            }
            else
            {
                for (int at = 0; at < bytes; at += ShearLimits.ChunkBytes)
                {
                    await other.Take(data[at..Math.Min(bytes, at + ShearLimits.ChunkBytes)]);
                }
            }
        }

        return clock.Elapsed.TotalSeconds;
    }

    /// <inheritdoc />
    public async Task<long> Fetch(DataHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var buffer = ArrayPool<byte>.Shared.Rent((int)handle.Length);
        try
        {
            await dataPlane.FetchInto(handle, buffer);
            return handle.Length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc />
    public Task Take(byte[] chunk) => Task.CompletedTask;
}
