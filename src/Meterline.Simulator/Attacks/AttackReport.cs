namespace Meterline.Simulator.Attacks;

/// <summary>What an attack did, as the attacker saw it.</summary>
/// <param name="FramesSent">Frames (or garbage chunks, or datagrams) written.</param>
/// <param name="ConnectionsOpened">Connections the target accepted.</param>
/// <param name="ConnectionsClosedByTarget">Connections the target closed or reset.</param>
/// <param name="Errors">Connects or writes that failed.</param>
/// <param name="Elapsed">How long it ran.</param>
public sealed record AttackReport(long FramesSent, long ConnectionsOpened, long ConnectionsClosedByTarget, long Errors, TimeSpan Elapsed);
