using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Shear.Grains.DataPlane;

namespace Shear.Bench;

/// <summary>
/// The data plane's transfer of one activation batch (256 MB: 16k tokens x 4096 x fp32) over loopback, against a plain
/// socket copy of the same bytes in the same run (both in this process; two silo processes are not measured here).
/// </summary>
internal static class DataPlaneBench
{
    private const int Size = 256 << 20;

    public static async Task<int> Run()
    {
        var data = new byte[Size];
        new Random(0).NextBytes(data);
        var sender = new DataPlane(new DataPlaneOptions(), NullLogger<DataPlane>.Instance);
        var receiver = new DataPlane(new DataPlaneOptions(), NullLogger<DataPlane>.Instance);
        await sender.StartAsync(CancellationToken.None);
        await receiver.StartAsync(CancellationToken.None);
        var pooled = new byte[Size]; // a layer grain fetches into a pooled buffer
        double plane = Median(() => receiver.FetchInto(sender.Offer(data), pooled).GetAwaiter().GetResult());
        // The ceiling: one connection kept open, the bytes written and read into a buffer allocated once.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient { ReceiveBufferSize = 4 << 20, NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var server = await listener.AcceptTcpClientAsync();
        server.SendBufferSize = 4 << 20;
        var buffer = new byte[Size];
        double raw = Median(() =>
        {
            var write = server.GetStream().WriteAsync(data).AsTask();
            client.GetStream().ReadExactly(buffer);
            write.GetAwaiter().GetResult();
        });
        Console.WriteLine("| path (256 MB over loopback) | seconds | GB/s |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| data plane (offer, fetch by handle into a pooled buffer) | {plane:F3} | {Size / plane / 1e9:F2} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| plain socket copy | {raw:F3} | {Size / raw / 1e9:F2} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"data plane / socket: {raw / plane:F2}"));
        await sender.StopAsync(CancellationToken.None);
        await receiver.StopAsync(CancellationToken.None);
        return 0;
    }

    private static double Median(Action action) => Timing.MedianSeconds(action, repeats: 5);
}
