using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shear.Grains.Abstractions;

namespace Shear.Grains.DataPlane;

/// <summary>
/// A silo's own channel for bulk bytes: blobs offered here wait (until fetched or expired) and are served over a TCP
/// listener; a receiver on another silo fetches them by handle, a receiver in this silo takes them from memory without a
/// copy. Protocol: the client sends the 16-byte id; the server answers an 8-byte little-endian length (-1: unknown id)
/// and the bytes; the blob is forgotten as its transfer starts.
/// </summary>
public sealed class DataPlane(DataPlaneOptions options, ILogger<DataPlane> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, (byte[] Data, DateTime Expires)> _blobs = new();
    private TcpListener? _listener;
    private long _served;
    private long _local;

    /// <summary>The address and port receivers connect to (set once started).</summary>
    public (string Host, int Port) Endpoint { get; private set; }

    /// <summary>Whether the listener runs.</summary>
    public bool IsRunning => _listener is not null;

    /// <summary>Blobs waiting.</summary>
    public int Waiting => _blobs.Count;

    /// <summary>Blobs served to other silos over TCP so far.</summary>
    public long Served => Interlocked.Read(ref _served);

    /// <summary>Blobs taken from memory by receivers in this silo so far.</summary>
    public long TakenLocally => Interlocked.Read(ref _local);

    /// <summary>Leaves <paramref name="data"/> for one receiver to fetch within <see cref="DataPlaneOptions.Expiry"/>.</summary>
    public DataHandle Offer(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var id = Guid.NewGuid();
        _blobs[id] = (data, DateTime.UtcNow + options.Expiry);
        return new DataHandle(Endpoint.Host, Endpoint.Port, id, data.Length);
    }

    /// <summary>Forgets a blob (the transfer failed and the sender gives up on it).</summary>
    public void Withdraw(DataHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        _blobs.TryRemove(handle.Id, out _);
    }

    /// <summary>The blob's bytes: from memory when it waits here, else over TCP from the sender's data plane.</summary>
    /// <exception cref="DataPlaneException">Unreachable, unknown id, cut short or timed out (named).</exception>
    public async Task<byte[]> Fetch(DataHandle handle, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (TakeLocal(handle) is { } local)
        {
            return local;
        }

        var data = new byte[handle.Length];
        await FetchInto(handle, data, cancellation);
        return data;
    }

    /// <summary>
    /// A blob offered in this silo, taken from memory (no copy, no socket); null when it is not here.
    /// </summary>
    public byte[]? TakeLocal(DataHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (handle.Host == Endpoint.Host && handle.Port == Endpoint.Port && _blobs.TryRemove(handle.Id, out var local))
        {
            Interlocked.Increment(ref _local);
            return local.Data;
        }

        return null;
    }

    /// <summary>Reads a remote blob into <paramref name="destination"/> (at least <see cref="DataHandle.Length"/> bytes; a pooled buffer avoids touching fresh memory).</summary>
    /// <exception cref="DataPlaneException">Unreachable, unknown id, cut short or timed out (named).</exception>
    public async Task FetchInto(DataHandle handle, Memory<byte> destination, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(handle);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(options.Timeout);
        try
        {
            using var client = new TcpClient { NoDelay = true, ReceiveBufferSize = 4 << 20 };
            await client.ConnectAsync(handle.Host, handle.Port, timeout.Token);
            await using var stream = client.GetStream();
            var header = new byte[16];
            handle.Id.TryWriteBytes(header);
            await stream.WriteAsync(header, timeout.Token);
            var lengthBytes = new byte[8];
            await stream.ReadExactlyAsync(lengthBytes, timeout.Token);
            long length = BinaryPrimitives.ReadInt64LittleEndian(lengthBytes);
            if (length != handle.Length)
            {
                throw new DataPlaneException($"{handle.Host}:{handle.Port} has no blob {handle.Id} of {handle.Length} bytes (answered {length})");
            }

            await stream.ReadExactlyAsync(destination[..(int)length], timeout.Token);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or EndOfStreamException)
        {
            throw new DataPlaneException($"fetching {handle.Length} bytes from {handle.Host}:{handle.Port} failed: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Enabled)
        {
            _listener = new TcpListener(IPAddress.Any, options.Port);
            _listener.Start();
            Endpoint = (options.AdvertisedHost, ((IPEndPoint)_listener.LocalEndpoint).Port);
            logger.LogInformation("data plane on {Host}:{Port}", Endpoint.Host, Endpoint.Port);
        }

        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_listener is null)
        {
            return;
        }

        using var stop = stoppingToken.Register(_listener.Stop);
        while (!stoppingToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(stoppingToken);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            _ = Serve(client, stoppingToken);
            foreach (var (id, blob) in _blobs.Where(b => b.Value.Expires < DateTime.UtcNow))
            {
                _blobs.TryRemove(id, out _);
            }
        }
    }

    // One request per connection, within the transfer timeout: a peer that connects and goes quiet (or stops reading)
    // has its connection closed instead of holding it open forever.
    private async Task Serve(TcpClient client, CancellationToken stopping)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        deadline.CancelAfter(options.Timeout);
        var stoppingToken = deadline.Token;
        using (client)
        {
            try
            {
                client.NoDelay = true;
                client.SendBufferSize = 4 << 20;
                await using var stream = client.GetStream();
                var header = new byte[16];
                await stream.ReadExactlyAsync(header, stoppingToken);
                var id = new Guid(header);
                var length = new byte[8];
                if (!_blobs.TryRemove(id, out var blob)) // taken before it is sent: one receiver per blob
                {
                    BinaryPrimitives.WriteInt64LittleEndian(length, -1);
                    await stream.WriteAsync(length, stoppingToken);
                    return;
                }

                BinaryPrimitives.WriteInt64LittleEndian(length, blob.Data.Length);
                await stream.WriteAsync(length, stoppingToken);
                await stream.WriteAsync(blob.Data, stoppingToken);
                await stream.FlushAsync(stoppingToken);
                Interlocked.Increment(ref _served);
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or EndOfStreamException)
            {
                logger.LogDebug(e, "data plane transfer ended early");
            }
        }
    }

    /// <inheritdoc />
    public override Task StopAsync(CancellationToken cancellationToken)
    {
        _listener?.Stop();
        return base.StopAsync(cancellationToken);
    }
}
