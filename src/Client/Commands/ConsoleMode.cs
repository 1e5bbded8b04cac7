namespace Shear.Client.Commands;

/// <summary>Whether output goes to a live terminal (Spectre.Console bars) or elsewhere (plain lines).</summary>
internal static class ConsoleMode
{
    public static bool IsInteractive(TextWriter stdout) => !Console.IsOutputRedirected && ReferenceEquals(stdout, Console.Out);
}
