using Orleans.Placement;

namespace Shear.Grains.Placement;

/// <summary>Places a grain on the least-busy capable silo (GPU silos first when any has a GPU), from the work board.</summary>
[Serializable, GenerateSerializer, Immutable, Alias("shear.v1.LeastBusyPlacement")]
public sealed class LeastBusyPlacement : PlacementStrategy
{
    /// <summary>The one instance.</summary>
    public static readonly LeastBusyPlacement Instance = new();
}

/// <summary>Marks a grain class for <see cref="LeastBusyPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class LeastBusyPlacementAttribute : PlacementAttribute
{
    /// <summary>Creates the attribute.</summary>
    public LeastBusyPlacementAttribute()
        : base(LeastBusyPlacement.Instance)
    {
    }
}
