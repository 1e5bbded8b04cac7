namespace Shear.Numerics.Runtime;

/// <summary>Where heavy compute runs: inline in the caller (a CLI run) or on a device's worker thread (a silo).</summary>
public interface IComputeQueue
{
    /// <summary>Runs <paramref name="work"/> and completes with its result or its exception.</summary>
    Task<T> Run<T>(Func<T> work, CancellationToken cancellationToken = default);
}
