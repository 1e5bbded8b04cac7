namespace Shear.Client.Tests;

/// <summary>
/// The tests whose command starts a local silo host process (demo, sweep run) run one after another: each checks that
/// no silo host of this test process is left, which another such test's silo, still running, would break.
/// </summary>
[CollectionDefinition(Name)]
public sealed class LocalSiloHosts
{
    /// <summary>The collection's name.</summary>
    public const string Name = "local silo hosts";
}
