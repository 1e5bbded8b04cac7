using Shear.Numerics.Experiment;

namespace Shear.Grains.Abstractions.Experiment;

/// <summary>The wire form of <see cref="MethodOptions"/> (the vocabulary project knows no Orleans): field for field, stable ids.</summary>
[GenerateSerializer, Immutable, Alias("shear.v1.MethodOptions")]
public readonly record struct MethodOptionsSurrogate(
    [property: Id(0)] double RiaExponent,
    [property: Id(1)] int DsnotCycles,
    [property: Id(2)] double DsnotThreshold,
    [property: Id(3)] string DsnotSkip,
    [property: Id(4)] string DsnotInitial,
    [property: Id(5)] double OwlM,
    [property: Id(6)] double OwlLambda,
    [property: Id(7)] int SparseGptBlockSize,
    [property: Id(8)] double SparseGptDamp);

/// <summary>Converts <see cref="MethodOptions"/> to and from its wire form.</summary>
[RegisterConverter]
public sealed class MethodOptionsConverter : IConverter<MethodOptions, MethodOptionsSurrogate>
{
    /// <inheritdoc />
    public MethodOptions ConvertFromSurrogate(in MethodOptionsSurrogate surrogate) => new()
    {
        RiaExponent = surrogate.RiaExponent, DsnotCycles = surrogate.DsnotCycles, DsnotThreshold = surrogate.DsnotThreshold,
        DsnotSkip = surrogate.DsnotSkip, DsnotInitial = surrogate.DsnotInitial, OwlM = surrogate.OwlM, OwlLambda = surrogate.OwlLambda,
        SparseGptBlockSize = surrogate.SparseGptBlockSize, SparseGptDamp = surrogate.SparseGptDamp,
    };

    /// <inheritdoc />
    public MethodOptionsSurrogate ConvertToSurrogate(in MethodOptions value) =>
        new(value.RiaExponent, value.DsnotCycles, value.DsnotThreshold, value.DsnotSkip, value.DsnotInitial, value.OwlM, value.OwlLambda,
            value.SparseGptBlockSize, value.SparseGptDamp);
}
