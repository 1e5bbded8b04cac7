namespace Shear.Numerics.Experiment;

/// <summary>The evaluation domains, in the thesis's table order.</summary>
public enum EvalDomain
{
    /// <summary>Code generation, pass@k in a sandbox.</summary>
    Code,

    /// <summary>Commonsense reasoning, zero-shot multiple choice.</summary>
    Csr,

    /// <summary>Translation en-fr, METEOR best of n.</summary>
    Translation,

    /// <summary>Grade-school math, GSM8K 8-shot exact match.</summary>
    Math,

    /// <summary>Perplexity per domain text.</summary>
    Ppl,
}

/// <summary>Spellings of <see cref="EvalDomain"/> (<c>code</c>, <c>csr</c>, <c>translation</c>, <c>math</c>, <c>ppl</c>).</summary>
public static class EvalDomains
{
    /// <summary>Every domain, in table order.</summary>
    public static IReadOnlyList<EvalDomain> All { get; } = Enum.GetValues<EvalDomain>();

    /// <summary>Every domain's name, in table order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(Name)];

    /// <summary>The name of a domain, which <see cref="Parse"/> reads back.</summary>
    public static string Name(EvalDomain domain) => domain switch
    {
        EvalDomain.Code => "code",
        EvalDomain.Csr => "csr",
        EvalDomain.Translation => "translation",
        EvalDomain.Math => "math",
        EvalDomain.Ppl => "ppl",
        _ => throw new ArgumentOutOfRangeException(nameof(domain), domain, null),
    };

    /// <summary>Parses a domain name given on a command line or in a sweep file (case and surrounding spaces ignored).</summary>
    /// <exception cref="ArgumentException">An unknown domain (the known ones are named).</exception>
    public static EvalDomain Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var d in All)
        {
            if (string.Equals(Name(d), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return d;
            }
        }

        throw new ArgumentException($"unknown domain '{text}' (known: {string.Join(", ", Names)})");
    }
}
