namespace Meterline.HeadEnd.Commands;

/// <summary>The audit actions of commands: <c>command.{kind}.{step}</c>, e.g. command.disconnect.requested.</summary>
public static class CommandAuditActions
{
    public const string Requested = "requested";
    public const string Sent = "sent";
    public const string Confirmed = "confirmed";
    public const string Failed = "failed";
    public const string TimedOut = "timed-out";
    public const string Cancelled = "cancelled";

    /// <summary>The kind's name in audit actions: read, connect, disconnect, time-sync, activity-calendar, key-rotation.</summary>
    public static string KindName(CommandKind kind) => kind switch
    {
        CommandKind.Read => "read",
        CommandKind.Connect => "connect",
        CommandKind.Disconnect => "disconnect",
        CommandKind.TimeSync => "time-sync",
        CommandKind.ActivityCalendar => "activity-calendar",
        CommandKind.KeyRotation => "key-rotation",
        CommandKind.LoadLimit => "load-limit",
        _ => "unknown",
    };

    public static string For(CommandKind kind, string step) => $"command.{KindName(kind)}.{step}";

    /// <summary>The final step of a state.</summary>
    public static string StepOf(CommandState state) => state switch
    {
        CommandState.Confirmed => Confirmed,
        CommandState.Failed => Failed,
        CommandState.TimedOut => TimedOut,
        CommandState.Cancelled => Cancelled,
        CommandState.Sent => Sent,
        _ => Requested,
    };
}
