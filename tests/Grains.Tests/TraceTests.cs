using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Shear.Grains.Abstractions;
using Shear.Grains.Telemetry;

namespace Shear.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class TraceTests(ClusterFixture fixture)
{
    [Fact]
    public async Task ClientSweepJobAndLayerShareOneTrace()
    {
        var exported = new List<Activity>();
        using var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource("trace-test", ShearTelemetry.Name, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
            .AddInMemoryExporter(exported).Build();
        using var source = new ActivitySource("trace-test");
        var spec = new SweepSpec([Paths.Model("llama")], Vocab.Sets(Paths.Calibration), Vocab.Methods("wanda"), Vocab.Patterns(0.5, "unstructured"), Vocab.Domains("ppl"), 4, 16, 0, new EvalSettings { Limit = 1 },
            Path.Combine(Paths.TempDir(), "out"), Path.Combine(Paths.Repo, "data"));
        var sweep = fixture.Cluster.GrainFactory.GetGrain<ISweepGrain>("traced");
        ActivityTraceId trace;
        using (var root = source.StartActivity("client.submit"))
        {
            Assert.NotNull(root);
            trace = root.TraceId;
            await sweep.Submit(spec);
        }

        var status = await SweepTests.WaitDone(sweep, TimeSpan.FromMinutes(3));
        Assert.Equal(WorkState.Done, status.State);
        provider.ForceFlush();
        provider.Dispose(); // no more exports: the silos' own spans (timers, membership) keep ending while the list is read
        // Only this sweep's spans: other tests share the cluster (and the exporter) and run their own sweeps meanwhile.
        static bool OfThisSweep(Activity a) => new[] { "shear.sweep", "shear.job", "shear.shard" }
            .Any(t => a.GetTagItem(t) is string id && (id == "traced" || id.StartsWith("traced/", StringComparison.Ordinal)));
        var shear = exported.Where(a => a.Source.Name == ShearTelemetry.Name && OfThisSweep(a)).ToList();
        foreach (var name in new[] { "sweep.start", "job.layer", "shard.observe", "shard.forward", "eval.shard" })
        {
            var spans = shear.Where(a => a.OperationName == name).ToList();
            Assert.True(spans.Count > 0, $"no {name} span");
            Assert.All(spans, a => Assert.Equal(trace, a.TraceId));
        }

        // Orleans' own grain-call spans sit in the same trace, so the chain is unbroken.
        Assert.Contains(exported, a => a.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && a.TraceId == trace);
    }
}
