namespace Shear.Numerics.Evaluation.Code;

/// <summary>How a sandboxed program ended.</summary>
public enum SandboxOutcome
{
    /// <summary>Exit code 0.</summary>
    Passed,

    /// <summary>Non-zero exit or killed by a limit other than the wall clock.</summary>
    Failed,

    /// <summary>Killed at the wall-clock timeout.</summary>
    TimedOut,
}

/// <summary>A sandboxed run: outcome, exit code, and the first bytes of its output.</summary>
/// <param name="Outcome">Passed, failed or timed out.</param>
/// <param name="ExitCode">The process exit code (-1 when killed at the timeout).</param>
/// <param name="Output">stdout and stderr, capped.</param>
public sealed record SandboxResult(SandboxOutcome Outcome, int ExitCode, string Output);
