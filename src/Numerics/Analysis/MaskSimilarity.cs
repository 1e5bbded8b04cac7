using System.Numerics;
using System.Text.Json.Serialization;

namespace Shear.Numerics.Analysis;

/// <summary>Jaccard of two sub-models at the thesis's three levels: per Linear, per layer (its Linears together), whole model.</summary>
/// <param name="A">First sub-model.</param>
/// <param name="B">Second sub-model.</param>
/// <param name="Matrices">Per Linear, by full name.</param>
/// <param name="Layers">Per decoder layer.</param>
/// <param name="Model">Whole model.</param>
public sealed record MaskSimilarity(
    [property: JsonPropertyName("a")] string A,
    [property: JsonPropertyName("b")] string B,
    [property: JsonPropertyName("matrices")] IReadOnlyDictionary<string, JaccardCounts> Matrices,
    [property: JsonPropertyName("layers")] IReadOnlyDictionary<int, JaccardCounts> Layers,
    [property: JsonPropertyName("model")] JaccardCounts Model)
{
    /// <summary>Compares two mask sets Linear by Linear.</summary>
    /// <exception cref="ArgumentException">The sets do not hold the same Linears of the same shapes (the first difference named).</exception>
    public static MaskSimilarity Compare(MaskSet a, MaskSet b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var other = b.Masks.ToDictionary(m => m.Name, StringComparer.Ordinal);
        if (a.Masks.FirstOrDefault(m => !other.ContainsKey(m.Name)) is { } missing)
        {
            throw new ArgumentException($"{missing.Name}: in {a.Name} but not in {b.Name} (different models?)");
        }

        if (b.Masks.Count != a.Masks.Count)
        {
            var extra = b.Masks.First(m => !a.Masks.Any(x => x.Name == m.Name));
            throw new ArgumentException($"{extra.Name}: in {b.Name} but not in {a.Name} (different models?)");
        }

        var matrices = new Dictionary<string, JaccardCounts>(StringComparer.Ordinal);
        foreach (var ma in a.Masks)
        {
            var mb = other[ma.Name];
            if (!ma.Shape.SequenceEqual(mb.Shape))
            {
                throw new ArgumentException($"{ma.Name}: shape [{string.Join(", ", ma.Shape)}] in {a.Name} but [{string.Join(", ", mb.Shape)}] in {b.Name}");
            }

            matrices[ma.Name] = Count(ma, mb);
        }

        var layers = a.Masks.GroupBy(m => m.Layer).ToDictionary(g => g.Key, g => JaccardCounts.Sum(g.Select(m => matrices[m.Name])));
        return new MaskSimilarity(a.Name, b.Name, matrices, layers, JaccardCounts.Sum(matrices.Values));
    }

    /// <summary>Popcounts of AND, OR and each mask, a 64-bit word at a time (padding bits are zero in both).</summary>
    public static JaccardCounts Count(PackedMask a, PackedMask b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        long and = 0, or = 0, ca = 0;
        var x = a.Words;
        var y = b.Words;
        for (int i = 0; i < x.Length; i++)
        {
            ulong u = x[i], v = y[i];
            and += BitOperations.PopCount(u & v);
            or += BitOperations.PopCount(u | v);
            ca += BitOperations.PopCount(u);
        }

        return new JaccardCounts(and, or, ca, and + or - ca, a.Count); // |A| + |B| = |A∩B| + |A∪B|
    }
}
