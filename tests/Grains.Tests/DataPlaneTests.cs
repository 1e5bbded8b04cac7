using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Shear.Grains.Abstractions;
using Shear.Grains.DataPlane;

namespace Shear.Grains.Tests;

public sealed class DataPlaneTests
{
    private static async Task<DataPlane.DataPlane> Started(TimeSpan? timeout = null)
    {
        var plane = new DataPlane.DataPlane(new DataPlaneOptions { Timeout = timeout ?? TimeSpan.FromSeconds(10) }, NullLogger<DataPlane.DataPlane>.Instance);
        await plane.StartAsync(CancellationToken.None);
        return plane;
    }

    [Fact]
    public async Task ABlobCrossesOverTcpOnceAndStaysInMemoryWithinASilo()
    {
        using var sender = await Started();
        using var receiver = await Started();
        var data = new byte[(3 << 20) + 17];
        new Random(1).NextBytes(data);
        var handle = sender.Offer(data);
        Assert.Equal(data.Length, handle.Length);
        var fetched = await receiver.Fetch(handle, TestContext.Current.CancellationToken);
        Assert.True(data.AsSpan().SequenceEqual(fetched));
        Assert.NotSame(data, fetched);
        Assert.Equal(0, sender.Waiting); // served once, then forgotten
        var again = await Assert.ThrowsAsync<DataPlaneException>(() => receiver.Fetch(handle, TestContext.Current.CancellationToken));
        Assert.Contains("has no blob", again.Message, StringComparison.Ordinal);

        var local = sender.Offer(data);
        Assert.Same(data, await sender.Fetch(local, TestContext.Current.CancellationToken)); // same silo: no copy, no socket
        await sender.StopAsync(CancellationToken.None);
        await receiver.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AStoppedOrSilentSenderIsAnErrorWithinTheTimeoutNotAHang()
    {
        using var receiver = await Started(TimeSpan.FromSeconds(2));
        // Nobody listens on this port any more.
        using var gone = await Started();
        var handle = gone.Offer([1, 2, 3]);
        await gone.StopAsync(CancellationToken.None);
        await Assert.ThrowsAsync<DataPlaneException>(() => receiver.Fetch(handle, TestContext.Current.CancellationToken));

        // A peer that accepts and never answers (a sender stuck or dying mid-transfer).
        var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<DataPlaneException>(() => receiver.Fetch(new DataHandle("127.0.0.1", port, Guid.NewGuid(), 10), TestContext.Current.CancellationToken));
        Assert.Contains("OperationCanceledException", e.Message, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.5, 60); // it waited for its 2 s timeout, then gave up
        silent.Stop();
    }

    [Fact]
    public async Task AnIdleConnectionIsClosedAfterTheTimeout()
    {
        using var plane = await Started(TimeSpan.FromSeconds(2));
        using var idle = new TcpClient();
        await idle.ConnectAsync(plane.Endpoint.Host, plane.Endpoint.Port, TestContext.Current.CancellationToken);
        var clock = Stopwatch.StartNew();
        var buffer = new byte[8];
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        // It sends nothing; the plane closes the connection (the read ends) instead of keeping it open.
        int read = await idle.GetStream().ReadAsync(buffer, patience.Token);
        Assert.Equal(0, read);
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.5, 60);
        await plane.StopAsync(CancellationToken.None);
    }
}
