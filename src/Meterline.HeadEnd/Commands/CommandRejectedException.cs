namespace Meterline.HeadEnd.Commands;

/// <summary>A command was refused when asked for; nothing was stored. <see cref="Reason"/> says why.</summary>
public sealed class CommandRejectedException : Exception
{
    public CommandRejectedException()
    {
    }

    public CommandRejectedException(string message)
        : base(message)
    {
    }

    public CommandRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CommandRejectedException(CommandRejection reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    public CommandRejection Reason { get; } = CommandRejection.InvalidRequest;
}
