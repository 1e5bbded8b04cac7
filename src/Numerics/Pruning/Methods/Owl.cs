using Shear.Numerics.Experiment;
using Shear.Numerics.Models;
using static TorchSharp.torch;

namespace Shear.Numerics.Pruning;

/// <summary>OWL's settings (its authors' README command: <c>--Hyper_m 5 --Lamda 0.08</c>).</summary>
/// <param name="M">A Wanda score above M times the layer's mean score is an outlier.</param>
/// <param name="Lambda">Layer sparsities spread over target +/- lambda.</param>
public sealed record OwlOptions(double M = 5, double Lambda = 0.08)
{
    /// <summary>Checks the values (the experiment vocabulary's ranges).</summary>
    /// <exception cref="ArgumentException">Out of range (named).</exception>
    public void Validate() => (MethodOptions.Default with { OwlM = M, OwlLambda = Lambda }).Validate();
}

/// <summary>
/// OWL (Yin et al., ICML 2024; its authors' <c>prune_wanda_outlier</c>): non-uniform layer sparsities from each layer's
/// outlier ratio, measured on the dense model (the percentage of the layer's Wanda scores, all its Linears together,
/// above M times their mean; <c>check_outlier_mean</c>). Ratios are scaled to [0, 2 lambda], centred on the kept
/// fraction 1 - s, and each layer prunes 1 minus its value (0.01 where that is not positive): layers with more
/// outliers are pruned less, the mean sparsity stays s. N:M patterns keep their pattern in every layer, as the
/// authors' N:M branch does. Where every layer has the same ratio (the reference divides by zero) the sparsity is s.
/// </summary>
public static class Owl
{
    /// <summary>The outlier ratio (percent) of a dense layer from its Wanda statistics.</summary>
    public static double OutlierRatio(DecoderLayer dense, LayerStatistics statistics, double m)
    {
        ArgumentNullException.ThrowIfNull(dense);
        ArgumentNullException.ThrowIfNull(statistics);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var scores = cat(LayerObserver.Linears(dense).Select(l => LayerPruner.Score(l.Linear.weight!, statistics.Linears[l.Name]).flatten()).ToList());
        var threshold = scores.mean() * m;                                   // fp32, as torch.mean(W) * threshold
        long count = scores.gt(threshold).sum().item<long>(); // host: the layer's outlier ratio, the pass's one result
        return (double)count / scores.numel() * 100;
    }

    /// <summary>Each layer's sparsity from the layers' outlier ratios, computed as the authors' numpy code does (bit for bit).</summary>
    public static double[] LayerSparsities(IReadOnlyList<double> ratios, double sparsity, double lambda)
    {
        ArgumentNullException.ThrowIfNull(ratios);
        double min = ratios.Min(), max = ratios.Max();
        if (max == min)
        {
            return [.. ratios.Select(_ => sparsity)];
        }

        double scale = 1 / (max - min) * lambda * 2;
        var kept = ratios.Select(r => (r - min) * scale).ToArray();
        double mean = NumpySum(kept) / kept.Length;
        return [.. kept.Select(k => (k - mean) + (1 - sparsity)).Select(k => 1 - k is var s && s <= 0 ? 0.01 : 1 - k)];
    }

    /// <summary>numpy's pairwise summation of a float64 array (<c>np.add.reduce</c>, so <c>np.mean</c>'s sum).</summary>
    public static double NumpySum(ReadOnlySpan<double> a)
    {
        int n = a.Length;
        if (n < 8)
        {
            double res = 0;
            foreach (var v in a)
            {
                res += v;
            }

            return res;
        }

        if (n <= 128)
        {
            Span<double> r = stackalloc double[8];
            a[..8].CopyTo(r);
            int i;
            for (i = 8; i < n - (n % 8); i += 8)
            {
                for (int j = 0; j < 8; j++)
                {
                    r[j] += a[i + j];
                }
            }

            double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++)
            {
                res += a[i];
            }

            return res;
        }

        int n2 = n / 2;
        n2 -= n2 % 8;
        return NumpySum(a[..n2]) + NumpySum(a[n2..]);
    }
}
