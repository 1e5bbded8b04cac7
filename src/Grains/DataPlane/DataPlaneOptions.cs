namespace Shear.Grains.DataPlane;

/// <summary>The data plane's settings (<c>Shear:DataPlane</c>, <c>Shear:DataPort</c>).</summary>
public sealed record DataPlaneOptions
{
    /// <summary>Whether bulk activations use the data plane (off: chunked grain messages only).</summary>
    /// <value>Default true.</value>
    public bool Enabled { get; init; } = true;

    /// <summary>Listening port (0: any free port).</summary>
    public int Port { get; init; }

    /// <summary>The address other silos reach this one at.</summary>
    /// <value>Default 127.0.0.1.</value>
    public string AdvertisedHost { get; init; } = "127.0.0.1";

    /// <summary>
    /// How long a fetch may take before the receiver gives up (the sender then fails its layer and the job resumes); also
    /// how long the sender keeps a connection that has not finished its request before closing it.
    /// </summary>
    /// <value>Default 2 minutes.</value>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long an offered blob waits for its receiver.</summary>
    /// <value>Default 10 minutes.</value>
    public TimeSpan Expiry { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>A data-plane transfer failed (the message names the peer and the cause).</summary>
public sealed class DataPlaneException(string message) : Exception(message);
