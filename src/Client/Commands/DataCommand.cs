using System.CommandLine;
using Shear.Numerics.Data.Builtin;
using Shear.Numerics.Data.Registry;
using Shear.Numerics.Evaluation;

namespace Shear.Client.Commands;

/// <summary><c>shear data ...</c>: the calibration and evaluation datasets.</summary>
internal static class DataCommand
{
    public static Command Create(TextWriter stdout)
    {
        var output = new Option<string>("--out") { Description = "Folder for the built-in sets", DefaultValueFactory = _ => Path.Combine("data", "builtin") };
        var seed = new Option<long>("--seed") { Description = "Seed of sampling, templates and splits", DefaultValueFactory = _ => 0 };
        var build = new Command("build-builtin", "Generate the built-in corpora from this machine's Python stdlib, gettext catalogs and WordNet") { output, seed };
        build.SetAction(parse =>
        {
            var dir = parse.GetValue(output)!;
            foreach (var (name, train, test) in BuiltinCorpusBuilder.Build(dir, parse.GetValue(seed), line => stdout.WriteLine(line)))
            {
                stdout.WriteLine($"{name}: {train} train, {test} test -> {Path.Combine(dir, name)}");
            }

            return 0;
        });
        var dataDir = new Option<string>("--data-dir") { Description = "Folder with one sub-folder per dataset", DefaultValueFactory = _ => "data" };
        var list = new Command("list", "Every calibration set and benchmark, the files found and where (flat or in its Hub config folder), or where it looked") { dataDir };
        list.SetAction(parse =>
        {
            List(stdout, parse.GetValue(dataDir)!);
            return 0;
        });
        return new Command("data", "Datasets: list them, build the built-in corpora") { list, build };
    }

    private static void List(TextWriter stdout, string dir)
    {
        stdout.WriteLine($"{"calibration set",-22} {"domain",-12} {"sampling",-9} {"files",5}  found in (or looked in)");
        foreach (var spec in DatasetRegistry.All)
        {
            var where = DatasetRegistry.Locate(spec, dir);
            stdout.WriteLine($"{spec.Name,-22} {spec.Domain,-12} {spec.Mode.ToString().ToLowerInvariant(),-9} {Found(where)}  ({spec.Source}{(spec.Config is { } c ? $"; config {c}" : "")})");
        }

        stdout.WriteLine();
        stdout.WriteLine($"{"benchmark",-22} {"domain",-12} {"split",-18} {"files",5}  found in (or looked in)");
        foreach (var benchmark in EvalBenchmarks.All)
        {
            var where = benchmark.Locate(dir);
            stdout.WriteLine($"{benchmark.Name,-22} {benchmark.Domain,-12} {string.Join("|", benchmark.Splits.DefaultIfEmpty("all")),-18} {Found(where)}  ({benchmark.Format}{(benchmark.Config is { } c ? $"; config {c}" : "")})");
        }
    }

    /// <summary>The file count and the folder with its files (the first and last shard when many), or "-" and where it looked.</summary>
    private static string Found(DatasetLocation where)
    {
        if (!where.Found)
        {
            return $"{"-",5}  looked in {where.LookedIn}";
        }

        var names = where.Files.Select(Path.GetFileName).ToList();
        var shown = names.Count <= 3 ? string.Join(", ", names) : $"{names[0]} ... {names[^1]}";
        return $"{names.Count,5}  {where.Folder}: {shown}";
    }
}
