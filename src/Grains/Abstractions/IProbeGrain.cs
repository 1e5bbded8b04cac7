namespace Shear.Grains.Abstractions;

/// <summary>
/// A diagnostic grain for measuring transfers between silos (bench/, a cluster check): it sends synthetic activation
/// bytes to another probe grain over the data plane or as chunked grain messages, as layer grains do.
/// </summary>
[Alias("shear.v1.IProbeGrain")]
public interface IProbeGrain : IGrainWithStringKey
{
    /// <summary>The silo this activation runs on.</summary>
    [Alias("Where")]
    Task<string> Where();

    /// <summary>Sends <paramref name="count"/> blobs of <paramref name="bytes"/> to probe <paramref name="target"/>; returns the seconds taken.</summary>
    [Alias("Send")]
    Task<double> Send(string target, int bytes, int count, bool dataPlane);

    /// <summary>Fetches a blob from the sender's data plane; returns its length.</summary>
    [Alias("Fetch")]
    Task<long> Fetch(DataHandle handle);

    /// <summary>Takes a chunk of a blob sent as grain messages.</summary>
    [Alias("Take")]
    Task Take([Immutable] byte[] chunk);
}
