using Shear.Numerics.Models;
using static TorchSharp.torch;

namespace Shear.Numerics.Pruning;

/// <summary>
/// Hidden states of a batch of calibration samples at one point of the model (right-padded to the longest), with
/// what every layer needs to run them: the padding mask, rotary tables and attention mask (fixed across layers).
/// Owns its tensors.
/// </summary>
public sealed class ActivationBatch : IDisposable
{
    /// <summary>
    /// Wraps tensors (detached from any dispose scope) into a batch that owns them. The padding mask
    /// <paramref name="keep"/> may be a host tensor: the real tokens' indices are found from it there (no device sync)
    /// and both move to the hidden states' device.
    /// </summary>
    public ActivationBatch(int index, Tensor hidden, Tensor keep, DecoderContext context)
    {
        Index = index;
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(keep);
        ArgumentNullException.ThrowIfNull(context);
        using var scope = NewDisposeScope();
        var hostKeep = keep.device_type == TorchSharp.DeviceType.CPU ? keep : keep.cpu(); // host: the padding mask, once, when the batch is made
        var tokens = hostKeep.reshape(-1).nonzero().squeeze(1);                   // (B*T) -> real positions
        TokenIndex = tokens.to(hidden.device).MoveToOuterDisposeScope().DetachFromDisposeScope();
        TokenSample = tokens.div(hostKeep.shape[1], rounding_mode: RoundingMode.floor).to(hidden.device).MoveToOuterDisposeScope().DetachFromDisposeScope();
        Hidden = hidden.DetachFromDisposeScope();
        Keep = keep.to(hidden.device).MoveToOuterDisposeScope().DetachFromDisposeScope();
        Context = context.Detached();
    }

    /// <summary>The batch's index in the job's batch plan (orders statistics; independent of sharding).</summary>
    public int Index { get; }

    /// <summary>(B, T, hidden) states.</summary>
    public Tensor Hidden { get; private set; }

    /// <summary>(B, T) with 1 for real tokens, 0 for padding.</summary>
    public Tensor Keep { get; }

    /// <summary>Flat indices (into B*T) of the real tokens.</summary>
    public Tensor TokenIndex { get; }

    /// <summary>The sample (row) of each real token, in the order of <see cref="TokenIndex"/>.</summary>
    public Tensor TokenSample { get; }

    /// <summary>Rotary tables and attention mask for this batch.</summary>
    public DecoderContext Context { get; }

    /// <summary>Number of samples.</summary>
    public long Samples => Hidden.shape[0];

    /// <summary>Number of real (unpadded) tokens.</summary>
    public long Tokens => TokenIndex.shape[0];

    /// <summary>Replaces the hidden states (the old ones are disposed; the batch takes the new ones).</summary>
    public void Replace(Tensor hidden)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        var old = Hidden;
        Hidden = hidden.DetachFromDisposeScope();
        old.Dispose();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Hidden.Dispose();
        Keep.Dispose();
        TokenIndex.Dispose();
        TokenSample.Dispose();
        Context.DisposeTensors();
    }
}
