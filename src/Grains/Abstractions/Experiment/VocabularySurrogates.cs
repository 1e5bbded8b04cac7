using Shear.Numerics.Experiment;

namespace Shear.Grains.Abstractions.Experiment;

// The wire forms of the vocabulary's types (the vocabulary project knows no Orleans). Each is the type's canonical
// spelling, read back by the type's own parser: one spelling on the command line, in sweep files, in pruning.json and
// on the wire.

/// <summary>The wire form of <see cref="SparsityPattern"/>: N and M (0 for unstructured) and the ratio.</summary>
[GenerateSerializer, Immutable, Alias("shear.v1.SparsityPattern")]
public readonly record struct SparsityPatternSurrogate([property: Id(0)] int N, [property: Id(1)] int M, [property: Id(2)] double Ratio);

/// <summary>Converts <see cref="SparsityPattern"/> to and from its wire form.</summary>
[RegisterConverter]
public sealed class SparsityPatternConverter : IConverter<SparsityPattern, SparsityPatternSurrogate>
{
    /// <inheritdoc />
    public SparsityPattern ConvertFromSurrogate(in SparsityPatternSurrogate surrogate) =>
        surrogate.M > 0 ? SparsityPattern.NofM(surrogate.N, surrogate.M) : SparsityPattern.Unstructured(surrogate.Ratio);

    /// <inheritdoc />
    public SparsityPatternSurrogate ConvertToSurrogate(in SparsityPattern value) => new(value.N, value.M, value.Ratio);
}

/// <summary>The wire form of a vocabulary value: its canonical name.</summary>
[GenerateSerializer, Immutable, Alias("shear.v1.VocabularyName")]
public readonly record struct NameSurrogate([property: Id(0)] string Name);

/// <summary>Converts <see cref="MethodChoice"/> to and from its name (<c>owl+wanda</c>).</summary>
[RegisterConverter]
public sealed class MethodChoiceConverter : IConverter<MethodChoice, NameSurrogate>
{
    /// <inheritdoc />
    public MethodChoice ConvertFromSurrogate(in NameSurrogate surrogate) => MethodChoice.Parse(surrogate.Name);

    /// <inheritdoc />
    public NameSurrogate ConvertToSurrogate(in MethodChoice value) => new(value.ToString());
}

/// <summary>Converts <see cref="CalibrationSet"/> to and from its text (<c>gsm8k@main</c>, a file's path, <c>builtin_code:0.5,builtin_math:0.5</c>).</summary>
[RegisterConverter]
public sealed class CalibrationSetConverter : IConverter<CalibrationSet, NameSurrogate>
{
    /// <inheritdoc />
    public CalibrationSet ConvertFromSurrogate(in NameSurrogate surrogate) => CalibrationSet.Parse(surrogate.Name);

    /// <inheritdoc />
    public NameSurrogate ConvertToSurrogate(in CalibrationSet value) => new(value.ToString());
}

/// <summary>Converts <see cref="KeepMode"/> to and from its name (<c>masks</c>, <c>checkpoints</c>).</summary>
[RegisterConverter]
public sealed class KeepModeConverter : IConverter<KeepMode, NameSurrogate>
{
    /// <inheritdoc />
    public KeepMode ConvertFromSurrogate(in NameSurrogate surrogate) => KeepModes.Parse(surrogate.Name);

    /// <inheritdoc />
    public NameSurrogate ConvertToSurrogate(in KeepMode value) => new(KeepModes.Name(value));
}

/// <summary>Converts <see cref="ComputeDType"/> to and from its name (<c>fp32</c>, <c>bf16</c>, <c>fp16</c>).</summary>
[RegisterConverter]
public sealed class ComputeDTypeConverter : IConverter<ComputeDType, NameSurrogate>
{
    /// <inheritdoc />
    public ComputeDType ConvertFromSurrogate(in NameSurrogate surrogate) => ComputeDTypes.Parse(surrogate.Name);

    /// <inheritdoc />
    public NameSurrogate ConvertToSurrogate(in ComputeDType value) => new(ComputeDTypes.Name(value));
}

/// <summary>Converts <see cref="EvalDomain"/> to and from its name (<c>csr</c>, <c>ppl</c>).</summary>
[RegisterConverter]
public sealed class EvalDomainConverter : IConverter<EvalDomain, NameSurrogate>
{
    /// <inheritdoc />
    public EvalDomain ConvertFromSurrogate(in NameSurrogate surrogate) => EvalDomains.Parse(surrogate.Name);

    /// <inheritdoc />
    public NameSurrogate ConvertToSurrogate(in EvalDomain value) => new(EvalDomains.Name(value));
}
