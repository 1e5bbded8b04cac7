namespace Shear.Numerics.Experiment;

/// <summary>A pruning method as an experiment names it: the method, with OWL's layer sparsities over it or not (<c>owl+wanda</c>).</summary>
/// <param name="Method">The method.</param>
/// <param name="Owl">Whether OWL chooses each layer's sparsity (<see cref="PruningMethods.OwlPrefix"/>).</param>
public readonly record struct MethodChoice(PruningMethod Method, bool Owl = false)
{
    /// <summary>Parses a method name that may start with <see cref="PruningMethods.OwlPrefix"/> (case ignored).</summary>
    /// <exception cref="ArgumentException">Unknown name (message lists the known ones).</exception>
    public static MethodChoice Parse(string text)
    {
        var (method, owl) = PruningMethods.ParseWithOwl(text);
        return new MethodChoice(method, owl);
    }

    /// <summary>The canonical spelling (<c>owl+wanda</c>, <c>sparsegpt</c>), which <see cref="Parse"/> reads back.</summary>
    public override string ToString() => PruningMethods.Name(Method, Owl);
}
