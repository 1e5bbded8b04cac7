using System.CommandLine;
using Shear.Numerics.Data.Builtin;
using Shear.Numerics.Data.Registry;

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
        var list = new Command("list", "Every dataset, where its files are looked for, and whether they are there") { dataDir };
        list.SetAction(parse =>
        {
            var dir = parse.GetValue(dataDir)!;
            stdout.WriteLine($"{"name",-22} {"domain",-12} {"sampling",-9} {"files",5}  looks in");
            foreach (var spec in DatasetRegistry.All)
            {
                int files = DatasetRegistry.Files(spec, dir).Count;
                stdout.WriteLine($"{spec.Name,-22} {spec.Domain,-12} {spec.Mode.ToString().ToLowerInvariant(),-9} {(files == 0 ? "-" : files.ToString(System.Globalization.CultureInfo.InvariantCulture)),5}  {string.Join(" or ", DatasetRegistry.Folders(spec, dir))}  ({spec.Source})");
            }

            return 0;
        });
        return new Command("data", "Datasets: list them, build the built-in corpora") { list, build };
    }
}
