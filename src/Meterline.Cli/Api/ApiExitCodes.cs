namespace Meterline.Cli.Api;

/// <summary>Exit codes of the commands that talk to a head-end's API (`meterline meters|cmd|audit`); README lists them.</summary>
internal static class ApiExitCodes
{
    /// <summary>Done; the command was accepted or confirmed; the audit log verified.</summary>
    public const int Ok = 0;

    /// <summary>Bad options or arguments.</summary>
    public const int Usage = 1;

    /// <summary>The head-end could not be reached or failed (5xx), or the command Failed on the meter.</summary>
    public const int Failed = 2;

    /// <summary>The head-end refused the request (a ProblemDetails answer, 4xx), or refused meters of an import.</summary>
    public const int Refused = 3;

    /// <summary>The command TimedOut, or <c>--wait</c> gave up at <c>--timeout</c> while it was still under way.</summary>
    public const int TimedOut = 4;

    /// <summary>The command was Cancelled.</summary>
    public const int Cancelled = 5;

    /// <summary>The audit log did not verify.</summary>
    public const int AuditBroken = 6;
}
