namespace Shear.Numerics.Evaluation;

/// <summary>What <c>shear eval</c> scores a domain on (<see cref="EvalBenchmarks.Plan"/>).</summary>
/// <param name="Domain">The domain.</param>
/// <param name="Benchmarks">Its benchmarks found in the data folder, or its built-in set.</param>
/// <param name="Fallback">
/// One line when the domain stands on a built-in set because its real benchmarks are missing (which, and where it
/// looked); null when it runs its real benchmarks.
/// </param>
public sealed record DomainPlan(string Domain, IReadOnlyList<EvalBenchmark> Benchmarks, string? Fallback);
