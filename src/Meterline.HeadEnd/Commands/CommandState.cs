namespace Meterline.HeadEnd.Commands;

/// <summary>
/// A command's lifecycle: Requested → Sent → Confirmed / Failed / TimedOut (or Requested → Cancelled). A command is
/// sent at most once: after a restart a Sent command is not sent again but resolved by reading the meter's state.
/// </summary>
public enum CommandState
{
    Requested = 0,
    Sent = 1,
    Confirmed = 2,
    Failed = 3,
    TimedOut = 4,
    Cancelled = 5,
}
