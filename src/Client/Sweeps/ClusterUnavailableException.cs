namespace Shear.Client.Sweeps;

/// <summary>The cluster (its gateway or Redis) did not answer in time: a user-facing error, not a bug.</summary>
internal sealed class ClusterUnavailableException(string message) : Exception(message);
