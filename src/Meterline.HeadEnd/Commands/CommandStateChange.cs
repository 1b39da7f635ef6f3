using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Commands;

/// <summary>One state change of a command, for the live feed.</summary>
public sealed record CommandStateChange(CommandId Id, MeterId Meter, CommandKind Kind, CommandState State, DateTimeOffset At, string? Result);
