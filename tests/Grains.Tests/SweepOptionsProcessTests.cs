using System.Globalization;
using System.Text.Json;
using Shear.Grains.Abstractions;

namespace Shear.Grains.Tests;

/// <summary>
/// A sweep file with two sparsities and method options (owl_lambda, ria_exponent, dsnot_cycles, sparsegpt_blocksize),
/// submitted with <c>shear sweep submit</c> to two silo processes: each job's masks and checkpoint equal, byte for
/// byte, what <c>shear prune</c> writes with the same flags, and its pruning.json records the options it ran with.
/// </summary>
public sealed class SweepOptionsProcessTests
{
    [Fact]
    public async Task EachJobEqualsShearPruneWithTheSameFlags()
    {
        await using var cluster = await ProcessCluster.Start("options", 2);
        var file = Path.Combine(cluster.Root, "options.yaml");
        await File.WriteAllTextAsync(file, $"""
            models: [{Paths.Model("llama")}]
            calibrations: [{Paths.Calibration}]
            methods: [owl+wanda, ria, dsnot, sparsegpt]
            patterns: [unstructured]
            sparsity: [0.5, 0.6]
            domains: []
            nsamples: 8
            seqlen: 24
            shards: 1
            keep: checkpoints
            output: {Path.Combine(cluster.Root, "out")}
            owl_lambda: 0.1
            ria_exponent: 1.0
            dsnot_cycles: 20
            sparsegpt_blocksize: 64
            """, TestContext.Current.CancellationToken);
        var redis = $"127.0.0.1:{cluster.RedisPort}";
        var (code, err) = Processes.Shear(TimeSpan.FromMinutes(1), "sweep", "submit", file, "--id", "options", "--redis", redis, "--cluster-id", cluster.ClusterId);
        Assert.True(code == 0, err);
        var status = await ProcessCluster.Follow(cluster.Client.GetGrain<ISweepGrain>("options"), TimeSpan.FromMinutes(6));
        Assert.True(status.State == WorkState.Done, $"{status.State} {status.Message}");
        Assert.Equal(8, status.Jobs.Length);

        string[] flags = ["--owl-lambda", "0.1", "--ria-exponent", "1.0", "--dsnot-cycles", "20", "--sparsegpt-blocksize", "64"];
        foreach (var job in status.Jobs)
        {
            using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(job.Output, "pruning.json"), TestContext.Current.CancellationToken));
            // Each job records the options of its method (and OWL's), as given in the file.
            var options = report.RootElement.GetProperty("options");
            var (key, expected) = job.Method.ToString() switch
            {
                "owl+wanda" => ("owl_lambda", "0.1"),
                "ria" => ("ria_exponent", "1"),
                "dsnot" => ("dsnot_cycles", "20"),
                _ => ("sparsegpt_blocksize", "64"),
            };
            Assert.Equal(expected, options.GetProperty(key).GetRawText());
            double sparsity = report.RootElement.GetProperty("sparsity").GetDouble();
            var local = Path.Combine(cluster.Root, "local", Path.GetFileName(job.Output));
            (code, err) = Processes.Shear(TimeSpan.FromMinutes(2), ["prune", "--model", Paths.Model("llama"), "--method", job.Method.ToString(), "--pattern", job.Pattern.ToString(),
                "--sparsity", sparsity.ToString(CultureInfo.InvariantCulture), "--calibration", Paths.Calibration, "--nsamples", "8", "--seqlen", "24", "--out", local, .. flags]);
            Assert.True(code == 0, err);
            Paths.AssertSameCheckpoint(local, job.Output);
        }

        Assert.Equal([0.5, 0.6], status.Jobs.Select(j => Path.GetFileName(j.Output)).Where(n => n.Contains("-ria-", StringComparison.Ordinal))
            .Select(n => double.Parse(n.Split("-s")[1].Split('-')[0], CultureInfo.InvariantCulture)));
    }
}
