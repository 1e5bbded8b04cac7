namespace Shear.Grains;

/// <summary>Names of the providers the grains need (every silo registers them).</summary>
public static class GrainStorage
{
    /// <summary>The grain storage provider for sweep and job state.</summary>
    public const string Name = "shear";
}
