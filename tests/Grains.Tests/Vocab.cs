using Shear.Numerics.Experiment;

namespace Shear.Grains.Tests;

/// <summary>The experiment vocabulary from the spellings a sweep file uses, for writing specs in tests.</summary>
internal static class Vocab
{
    public static MethodChoice[] Methods(params string[] names) => [.. names.Select(MethodChoice.Parse)];

    /// <summary>Each pattern, an unstructured one at <paramref name="sparsity"/>.</summary>
    public static SparsityPattern[] Patterns(double sparsity, params string[] names) => [.. names.SelectMany(n => SparsityPattern.AtEach(n, [sparsity]))];

    public static CalibrationSet[] Sets(params string[] names) => [.. names.Select(CalibrationSet.Parse)];

    public static EvalDomain[] Domains(params string[] names) => [.. names.Select(EvalDomains.Parse)];
}
