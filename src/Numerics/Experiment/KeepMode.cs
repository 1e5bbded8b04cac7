namespace Shear.Numerics.Experiment;

/// <summary>How a sub-model is stored.</summary>
public enum KeepMode
{
    /// <summary>A full HF checkpoint in the base's layout and dtypes, masks beside.</summary>
    Checkpoints,

    /// <summary>Masks over the base checkpoint (and the changed Linears of methods that change kept weights).</summary>
    Masks,
}

/// <summary>Spellings of <see cref="KeepMode"/> (<c>checkpoints</c>, <c>masks</c>).</summary>
public static class KeepModes
{
    /// <summary><c>shear prune</c>'s default: a full checkpoint, loadable as it is.</summary>
    public const KeepMode PruneDefault = KeepMode.Checkpoints;

    /// <summary>A sweep's default (sweep files, the demo, the wire's specs): masks over the base, as a sweep writes many sub-models of one base.</summary>
    public const KeepMode SweepDefault = KeepMode.Masks;

    /// <summary>The spelling of a mode.</summary>
    public static string Name(KeepMode keep) => keep == KeepMode.Masks ? "masks" : "checkpoints";

    /// <summary>Parses <c>masks</c> or <c>checkpoints</c>.</summary>
    /// <exception cref="ArgumentException">Anything else (named).</exception>
    public static KeepMode Parse(string text, string option = "--keep") => text switch
    {
        "masks" => KeepMode.Masks,
        "checkpoints" => KeepMode.Checkpoints,
        _ => throw new ArgumentException($"{option} {text}: expected masks or checkpoints"),
    };
}
