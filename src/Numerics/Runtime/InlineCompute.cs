namespace Shear.Numerics.Runtime;

/// <summary>Runs compute synchronously on the calling thread (one process, nothing else to keep responsive).</summary>
public sealed class InlineCompute : IComputeQueue
{
    /// <summary>The one instance.</summary>
    public static InlineCompute Instance { get; } = new();

    /// <inheritdoc />
    public Task<T> Run<T>(Func<T> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return Task.FromResult(work());
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }
}
