namespace Shear.Numerics.Experiment;

/// <summary>The pruning methods (ANCHORS §1, §3).</summary>
public enum PruningMethod
{
    /// <summary>|W|, one threshold per matrix (per group for N:M); no calibration data.</summary>
    Magnitude,

    /// <summary>|W| x sqrt(scaler_row), compared within each output row.</summary>
    Wanda,

    /// <summary>Wanda's metric with the per-row cumulative-alpha threshold found by bisection.</summary>
    WandaVariant,

    /// <summary>SparseGPT: OBS-style pruning with weight reconstruction from the Hessian of the inputs.</summary>
    SparseGpt,

    /// <summary>
    /// RIA (Zhang et al., ICLR 2024): relative importance |W| / column sum + |W| / row sum, times ||X_j||^a; one
    /// threshold per matrix (its authors' default), N:M within each group.
    /// </summary>
    Ria,

    /// <summary>DSnoT (Zhang et al., ICLR 2024): Wanda's mask refined by training-free prune-and-grow cycles per row (Numerics' <c>Pruning.Dsnot</c>).</summary>
    Dsnot,
}

/// <summary>Names of methods on the command line and in pruning.json.</summary>
public static class PruningMethods
{
    /// <summary>The command-line name of a method.</summary>
    public static string Name(PruningMethod method) => method switch
    {
        PruningMethod.Magnitude => "magnitude",
        PruningMethod.Wanda => "wanda",
        PruningMethod.WandaVariant => "wanda-variant",
        PruningMethod.SparseGpt => "sparsegpt",
        PruningMethod.Ria => "ria",
        PruningMethod.Dsnot => "dsnot",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    /// <summary>Parses a command-line name.</summary>
    /// <exception cref="ArgumentException">Unknown name (message lists the known ones).</exception>
    public static PruningMethod Parse(string name)
    {
        foreach (var m in Enum.GetValues<PruningMethod>())
        {
            if (string.Equals(Name(m), name, StringComparison.OrdinalIgnoreCase))
            {
                return m;
            }
        }

        throw new ArgumentException($"unknown pruning method '{name}' (use {string.Join(", ", Enum.GetValues<PruningMethod>().Select(Name))})", nameof(name));
    }

    /// <summary>The prefix of a method name that asks for OWL's layer sparsities (<c>owl+wanda</c>).</summary>
    public const string OwlPrefix = "owl+";

    /// <summary>Parses a method name that may start with <see cref="OwlPrefix"/>.</summary>
    /// <exception cref="ArgumentException">Unknown name (message lists the known ones).</exception>
    public static (PruningMethod Method, bool Owl) ParseWithOwl(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        bool owl = name.StartsWith(OwlPrefix, StringComparison.OrdinalIgnoreCase);
        return (Parse(owl ? name[OwlPrefix.Length..] : name), owl);
    }

    /// <summary>The canonical spelling of a method, with OWL or without.</summary>
    public static string Name(PruningMethod method, bool owl) => owl ? OwlPrefix + Name(method) : Name(method);

    /// <summary>The canonical spelling of a method name (<c>OWL+Wanda</c> -> <c>owl+wanda</c>).</summary>
    /// <exception cref="ArgumentException">Unknown name (message lists the known ones).</exception>
    public static string Canonical(string name)
    {
        var (method, owl) = ParseWithOwl(name);
        return Name(method, owl);
    }
}
