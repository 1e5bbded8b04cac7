namespace Shear.Numerics.IO;

/// <summary>
/// What a Shear output folder holds, recorded in its <see cref="OutputFolder.OwnerMarker"/>: <c>--overwrite</c>
/// replaces only an output of the same kind.
/// </summary>
public enum OutputKind
{
    /// <summary>A pruned model: <c>shear prune</c>'s output, a sweep job's, or <c>shear export</c>'s checkpoint.</summary>
    SubModel,

    /// <summary>An HTML report: <c>shear compare</c>, the demo's report, <c>shear sweep results --report</c>.</summary>
    Report,

    /// <summary>The tiny model <c>shear train-tiny</c> writes.</summary>
    TinyModel,

    /// <summary>One built-in corpus folder <c>shear data build-builtin</c> writes (<c>DIR/builtin_NAME</c>).</summary>
    BuiltinData,
}
