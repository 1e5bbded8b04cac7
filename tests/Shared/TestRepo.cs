namespace Shear.Tests.Shared;

/// <summary>The repository root (the folder with Cluster.sln) above a test's output folder; linked into each test project.</summary>
internal static class TestRepo
{
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Cluster.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("Cluster.sln not found above the test folder");
        }
    }
}
