namespace Meterline.Cli.Dlms;

/// <summary>A failure the command reports to the user as one line and an exit code, without a stack trace.</summary>
internal sealed class CommandException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>The ProblemDetails type of an API refusal (e.g. urn:meterline:problem:bill-exists), if it was one.</summary>
    public string? ProblemType { get; init; }
}
