using System.CommandLine;
using Shear.Numerics.Data.Builtin;

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
        return new Command("data", "Datasets: build the built-in corpora") { build };
    }
}
