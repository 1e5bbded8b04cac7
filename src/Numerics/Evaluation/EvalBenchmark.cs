using Shear.Numerics.Data.Registry;

namespace Shear.Numerics.Evaluation;

/// <summary>
/// One benchmark <c>shear eval</c> can run: its domain, the folder name it is looked for under the data folder
/// (<c>DATA_DIR/NAME/</c>), which files of that folder are its evaluation split, and what it reads.
/// </summary>
/// <param name="Name">Benchmark and folder name (e.g. <c>arc_easy</c>, <c>humaneval</c>).</param>
/// <param name="Domain">code, csr, translation, math or ppl.</param>
/// <param name="Format">What a user puts in the folder.</param>
/// <param name="Splits">File-name parts tried in order to pick the evaluation split (the first that matches any file wins; none: every file).</param>
public sealed record EvalBenchmark(string Name, string Domain, string Format, IReadOnlyList<string> Splits)
{
    /// <summary>Whether this is one of Shear's built-in held-out sets (<c>DATA_DIR/builtin/NAME/test.jsonl</c>).</summary>
    public bool BuiltIn => Name.StartsWith("builtin_", StringComparison.Ordinal);

    /// <summary>The files of this benchmark's split under <paramref name="dataDirectory"/>, in name order (shards); empty when absent.</summary>
    public IReadOnlyList<string> Files(string dataDirectory) =>
        RowReader.FilesIn(BuiltIn ? Path.Combine(dataDirectory, "builtin", Name) : Path.Combine(dataDirectory, Name), Splits);
}
