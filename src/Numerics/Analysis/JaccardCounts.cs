using System.Text.Json.Serialization;

namespace Shear.Numerics.Analysis;

/// <summary>
/// Set counts of two masks over the same entries (pruned sets A and B): |A∩B|, |A∪B|, |A|, |B| and the entry count;
/// from them Jaccard similarity, distance, and the similarity two independent random masks at the same sparsities
/// would have in expectation.
/// </summary>
/// <param name="Intersection">|A∩B|.</param>
/// <param name="Union">|A∪B|.</param>
/// <param name="PrunedA">|A|.</param>
/// <param name="PrunedB">|B|.</param>
/// <param name="Entries">Entries compared.</param>
public sealed record JaccardCounts(
    [property: JsonPropertyName("intersection")] long Intersection,
    [property: JsonPropertyName("union")] long Union,
    [property: JsonPropertyName("pruned_a")] long PrunedA,
    [property: JsonPropertyName("pruned_b")] long PrunedB,
    [property: JsonPropertyName("entries")] long Entries)
{
    /// <summary>|A∩B| / |A∪B| (1 when both are empty: identical sets).</summary>
    [JsonPropertyName("similarity")]
    public double Similarity => Union == 0 ? 1.0 : (double)Intersection / Union;

    /// <summary>1 − similarity (the thesis's figure).</summary>
    [JsonPropertyName("distance")]
    public double Distance => 1.0 - Similarity;

    /// <summary>
    /// Similarity expected by chance: with pruned fractions p and q placed independently, E|A∩B| = n·p·q and
    /// E|A∪B| = n·(p + q − p·q), so J ≈ p·q / (p + q − p·q) (1/3 at 50% and 50%).
    /// </summary>
    [JsonPropertyName("chance_similarity")]
    public double ChanceSimilarity
    {
        get
        {
            if (Entries == 0)
            {
                return double.NaN;
            }

            double p = (double)PrunedA / Entries, q = (double)PrunedB / Entries, union = p + q - (p * q);
            return union == 0 ? 1.0 : p * q / union;
        }
    }

    /// <summary>Counts of the two masks taken together (concatenated, as the thesis does per layer and per model).</summary>
    public static JaccardCounts operator +(JaccardCounts a, JaccardCounts b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return new(a.Intersection + b.Intersection, a.Union + b.Union, a.PrunedA + b.PrunedA, a.PrunedB + b.PrunedB, a.Entries + b.Entries);
    }

    /// <summary>Sum of counts (empty: all zero).</summary>
    public static JaccardCounts Sum(IEnumerable<JaccardCounts> counts) => counts.Aggregate(new JaccardCounts(0, 0, 0, 0, 0), (a, b) => a + b);

    /// <summary>Same as <c>+</c>.</summary>
    public static JaccardCounts Add(JaccardCounts a, JaccardCounts b) => a + b;
}
