using System.Globalization;

namespace Shear.Numerics.Experiment;

/// <summary>
/// Every option of the pruning methods, with the one set of defaults (the authors' own): what <c>shear prune</c>
/// takes as flags (<c>--owl-lambda</c>) and a sweep file as keys of the same name in snake_case (<c>owl_lambda</c>).
/// A method reads the options that concern it and ignores the rest, so one record travels with every job.
/// </summary>
public sealed record MethodOptions
{
    /// <summary>The defaults.</summary>
    public static readonly MethodOptions Default = new();

    /// <summary>RIA: exponent of the input norms (its authors' <c>--a</c>), 0..8.</summary>
    /// <value>Default 0.5.</value>
    public double RiaExponent { get; init; } = 0.5;

    /// <summary>DSnoT: most prune-and-grow cycles per Linear (<c>--max_cycle_time</c>), 0..100000.</summary>
    /// <value>Default 50.</value>
    public int DsnotCycles { get; init; } = 50;

    /// <summary>DSnoT: a row stops once its |reconstruction error| is at most this (<c>--update_threshold</c>), finite, >= 0.</summary>
    /// <value>Default 0.1.</value>
    public double DsnotThreshold { get; init; } = 0.1;

    /// <summary>DSnoT: Linears under this module keep the initial mask (<c>mlp</c>, <c>self_attn</c> or <c>none</c>).</summary>
    /// <value>Default <c>mlp</c>.</value>
    public string DsnotSkip { get; init; } = "mlp";

    /// <summary>DSnoT: the initial mask's metric (<c>wanda</c>, <c>magnitude</c> or <c>sparsegpt</c>).</summary>
    /// <value>Default <c>wanda</c>.</value>
    public string DsnotInitial { get; init; } = "wanda";

    /// <summary>OWL: a Wanda score above M times its layer's mean is an outlier, in (0, 1e6].</summary>
    /// <value>Default 5.</value>
    public double OwlM { get; init; } = 5;

    /// <summary>OWL: layer sparsities lie within the target +/- lambda, in [0, 0.5).</summary>
    /// <value>Default 0.08.</value>
    public double OwlLambda { get; init; } = 0.08;

    /// <summary>SparseGPT: column block width, 1..65536.</summary>
    /// <value>Default 128.</value>
    public int SparseGptBlockSize { get; init; } = 128;

    /// <summary>SparseGPT: dampening, a fraction of the mean Hessian diagonal, in (0, 1].</summary>
    /// <value>Default 0.01.</value>
    public double SparseGptDamp { get; init; } = 0.01;

    /// <summary>Each option's command-line flag (its sweep-file key is <see cref="KeyOf"/> the flag), in a stable order.</summary>
    public static IReadOnlyList<string> Flags { get; } = [.. Default.Entries().Select(e => e.Flag)];

    /// <summary>Every option with its flag and value (an int, a double or a string), in <see cref="Flags"/> order.</summary>
    public IReadOnlyList<(string Flag, object Value)> Entries() =>
    [
        ("--ria-exponent", RiaExponent), ("--dsnot-cycles", DsnotCycles), ("--dsnot-threshold", DsnotThreshold), ("--dsnot-skip", DsnotSkip),
        ("--dsnot-initial", DsnotInitial), ("--owl-m", OwlM), ("--owl-lambda", OwlLambda), ("--sparsegpt-blocksize", SparseGptBlockSize),
        ("--sparsegpt-damp", SparseGptDamp),
    ];

    /// <summary>These options with the one named by <paramref name="flag"/> set to <paramref name="value"/> (of that option's type).</summary>
    /// <exception cref="ArgumentException">An unknown flag or a value of the wrong type.</exception>
    public MethodOptions With(string flag, object value) => (flag, value) switch
    {
        ("--ria-exponent", double v) => this with { RiaExponent = v },
        ("--dsnot-cycles", int v) => this with { DsnotCycles = v },
        ("--dsnot-threshold", double v) => this with { DsnotThreshold = v },
        ("--dsnot-skip", string v) => this with { DsnotSkip = v },
        ("--dsnot-initial", string v) => this with { DsnotInitial = v },
        ("--owl-m", double v) => this with { OwlM = v },
        ("--owl-lambda", double v) => this with { OwlLambda = v },
        ("--sparsegpt-blocksize", int v) => this with { SparseGptBlockSize = v },
        ("--sparsegpt-damp", double v) => this with { SparseGptDamp = v },
        _ => throw new ArgumentException($"{flag}: not a method option taking {value?.GetType().Name ?? "null"}"),
    };

    /// <summary>The sweep-file key of a flag (<c>--owl-lambda</c> -> <c>owl_lambda</c>).</summary>
    public static string KeyOf(string flag)
    {
        ArgumentNullException.ThrowIfNull(flag);
        return flag.TrimStart('-').Replace('-', '_');
    }

    /// <summary>Checks every option's range.</summary>
    /// <exception cref="ArgumentException">The first value out of range, named by its flag.</exception>
    public void Validate()
    {
        Check("--ria-exponent", RiaExponent, double.IsFinite(RiaExponent) && RiaExponent >= 0 && RiaExponent <= 8, "0..8");
        Check("--dsnot-cycles", DsnotCycles, DsnotCycles is >= 0 and <= 100_000, "0..100000");
        Check("--dsnot-threshold", DsnotThreshold, double.IsFinite(DsnotThreshold) && DsnotThreshold >= 0, "a finite value >= 0");
        Check("--dsnot-skip", DsnotSkip, DsnotSkip is "mlp" or "self_attn" or "none", "mlp, self_attn or none");
        Check("--dsnot-initial", DsnotInitial, DsnotInitial is "wanda" or "magnitude" or "sparsegpt", "wanda, magnitude or sparsegpt");
        Check("--owl-m", OwlM, double.IsFinite(OwlM) && OwlM > 0 && OwlM <= 1e6, "a value in (0, 1e6]");
        Check("--owl-lambda", OwlLambda, double.IsFinite(OwlLambda) && OwlLambda >= 0 && OwlLambda < 0.5, "a value in [0, 0.5)");
        Check("--sparsegpt-blocksize", SparseGptBlockSize, SparseGptBlockSize is >= 1 and <= 65536, "1..65536");
        Check("--sparsegpt-damp", SparseGptDamp, double.IsFinite(SparseGptDamp) && SparseGptDamp > 0 && SparseGptDamp <= 1, "a value in (0, 1]");
    }

    private static void Check(string flag, object value, bool ok, string expected)
    {
        if (!ok)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{flag} {value}: expected {expected}"));
        }
    }
}
