using Microsoft.Extensions.Hosting;

// A localhost silo (development clustering, in-memory storage). Redis clustering, placement and telemetry
// arrive with the cluster issue; this host stays thin and delegates to extension methods.
var builder = Host.CreateApplicationBuilder(args);
builder.UseOrleans(silo => silo.UseLocalhostClustering());
using var host = builder.Build();
await host.RunAsync();
