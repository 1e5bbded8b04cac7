using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Shear.Silo;

/// <summary>
/// HTTP health on the configured host and port (loopback by default): <c>/healthz/live</c> answers while the process
/// runs; <c>/healthz/ready</c> answers 200 with the cluster's active members once this silo is active, 503 before
/// and while it shuts down (so Kubernetes stops sending work to a silo that is handing its work back).
/// </summary>
internal sealed class HealthEndpoint(string host, int port, IGrainFactory grains, ILocalSiloDetails silo, IHostApplicationLifetime lifetime, ILogger<HealthEndpoint> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://{host}:{port}/");
        listener.Start();
        logger.LogInformation("health endpoint on http://{Host}:{Port}{Path}", host, port, SiloDefaults.ReadyPath);
        using var stop = stoppingToken.Register(listener.Stop);
        while (!stoppingToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            await Answer(context);
        }
    }

    private async Task Answer(HttpListenerContext context)
    {
        var path = context.Request.Url?.AbsolutePath ?? "";
        int status;
        object body;
        if (path == SiloDefaults.LivePath)
        {
            (status, body) = (200, new { status = "live", silo = silo.SiloAddress.ToString() });
        }
        else if (path == SiloDefaults.ReadyPath)
        {
            bool stopping = lifetime.ApplicationStopping.IsCancellationRequested;
            string[] members = [];
            try
            {
                var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
                members = [.. hosts.Keys.Select(h => h.ToString()).Order(StringComparer.Ordinal)];
            }
            catch (Exception e) when (e is OrleansException or TimeoutException or InvalidOperationException)
            {
                logger.LogDebug(e, "membership not readable yet");
            }

            bool ready = !stopping && members.Contains(silo.SiloAddress.ToString());
            (status, body) = (ready ? 200 : 503, new { status = ready ? "ready" : stopping ? "stopping" : "starting", silo = silo.SiloAddress.ToString(), members });
        }
        else
        {
            (status, body) = (404, new { status = "not found", paths = new[] { SiloDefaults.LivePath, SiloDefaults.ReadyPath } });
        }

        var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(body));
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }
}
