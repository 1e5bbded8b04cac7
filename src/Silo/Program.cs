using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Shear.Grains.Connection;
using Shear.Grains.Hosting;
using Shear.Grains.Telemetry;
using Shear.Silo;

// A Shear silo: Redis clustering/storage/reminders when Shear:Redis is set, localhost otherwise; OpenTelemetry traces
// and metrics (Prometheus endpoint, OTLP when Shear:Otlp is set); the health endpoint; graceful shutdown.
var builder = Host.CreateApplicationBuilder(args);
SiloOptions options;
try
{
    options = SiloOptions.From(builder.Configuration);
    options.Cluster.EnsurePortsFree();
    builder.UseOrleans(silo =>
    {
        silo.UseShearCluster(options.Cluster, options.Devices);
        if (options.Kubernetes)
        {
            // Pod name/IP and cluster ids from the downward API; dead silos' pods are cleaned up (needs the pod Role in k8s/).
            silo.UseKubernetesHosting();
        }
    });
}
catch (Exception e) when (e is InvalidOperationException or ArgumentException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(60));
var otel = builder.Services.AddOpenTelemetry().ConfigureResource(r => r.AddService("shear-silo"));
otel.WithTracing(t =>
{
    t.AddSource(ShearTelemetry.Name, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application");
    if (options.Otlp is { } endpoint)
    {
        t.AddOtlpExporter(o => o.Endpoint = new Uri(endpoint));
    }
});
otel.WithMetrics(m =>
{
    m.AddMeter(ShearTelemetry.Name, "Microsoft.Orleans");
    m.AddView("orleans-messaging-sent-messages-size", new ExplicitBucketHistogramConfiguration { Boundaries = [1e3, 1e4, 1e5, 1e6, 4e6, 1.6e7, 6.4e7] });
    if (options.PrometheusPort is { } port)
    {
        m.AddPrometheusHttpListener(o =>
        {
            o.Host = options.PrometheusHost;
            o.Port = port;
        });
    }

    if (options.Otlp is { } endpoint)
    {
        m.AddOtlpExporter(o => o.Endpoint = new Uri(endpoint));
    }
});
builder.Services.AddHostedService(sp => new HealthEndpoint(options.HealthHost, options.HealthPort, sp.GetRequiredService<IGrainFactory>(),
    sp.GetRequiredService<ILocalSiloDetails>(), sp.GetRequiredService<IHostApplicationLifetime>(), sp.GetRequiredService<ILogger<HealthEndpoint>>()));
if (options.ParentPid is { } parent)
{
    builder.Services.AddHostedService(sp => new ParentWatch(parent, sp.GetRequiredService<IHostApplicationLifetime>()));
}

using var host = builder.Build();
try
{
    await host.RunAsync();
}
catch (InvalidOperationException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

return Environment.ExitCode; // non-zero when the silo left on its own (its cluster's membership was lost)
