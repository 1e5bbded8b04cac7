namespace Shear.Client.Tests;

/// <summary>Runs the <c>shear</c> command tree in this process and captures its output.</summary>
internal static class Cli
{
    public static (int Code, string Out, string Err) Shear(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CommandLine.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    public static string NewDir()
    {
        var dir = global::Shear.Tests.Shared.TestTemp.NewDir("shear-client-tests");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
