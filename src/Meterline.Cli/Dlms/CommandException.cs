namespace Meterline.Cli.Dlms;

/// <summary>A failure the command reports to the user as one line and an exit code, without a stack trace.</summary>
internal sealed class CommandException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
