using Shear.Numerics.Experiment;
using Shear.Numerics.Models;

namespace Shear.Numerics.Pruning.Loop;

/// <summary>What a shard needs to start: the job, which batches are its own, and the first layer it runs.</summary>
/// <param name="Model">Base checkpoint folder (each shard reads its layers from it).</param>
/// <param name="Staging">The pruned checkpoint being written (pruned layers are read back from it).</param>
/// <param name="Spec">Method and pattern.</param>
/// <param name="Samples">All calibration samples of the job (token ids).</param>
/// <param name="Options">Device and compute dtype.</param>
/// <param name="Shard">This shard's index.</param>
/// <param name="Shards">Shard count.</param>
/// <param name="FirstLayer">The first layer to observe; the pruned layers before it are replayed from <paramref name="Staging"/>.</param>
public sealed record ShardSetup(string Model, string Staging, PruneSpec Spec, IReadOnlyList<int[]> Samples, ModelOptions Options, int Shard, int Shards, int FirstLayer)
{
    /// <summary>The job's batches (sample indices per batch), the same for every shard count.</summary>
    public List<List<int>> Plan() => ActivationSet.Plan(Samples.Select(s => s.Length).ToList(), Spec.TokenBudget);

    /// <summary>This shard's batch indices: every <see cref="Shards"/>-th batch from <see cref="Shard"/> (batches are sorted longest first, so the shards' token counts stay close).</summary>
    public IEnumerable<int> Batches(int batchCount) => Enumerable.Range(0, batchCount).Where(b => b % Shards == Shard);

    /// <summary>
    /// A shard of OWL's pass over the dense model: Wanda's statistics whatever <paramref name="spec"/>'s method, and
    /// forwards through the base's own layers (its staging folder is the base).
    /// </summary>
    public static ShardSetup Dense(string model, PruneSpec spec, IReadOnlyList<int[]> samples, ModelOptions options, int shard, int shards, int firstLayer)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new ShardSetup(model, model, spec with { Method = PruningMethod.Wanda }, samples, options, shard, shards, firstLayer);
    }

    /// <summary>How many shards a job of <paramref name="batchCount"/> batches can use of <paramref name="wanted"/>: at least 1, at most one per batch.</summary>
    public static int Count(int wanted, int batchCount) => Math.Max(1, Math.Min(wanted, batchCount));
}
