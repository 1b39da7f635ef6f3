namespace Meterline.Server.Prepaid;

/// <summary>A disconnect waiting for the allowed hours: when it is due (null when no allowed moment is in sight).</summary>
public sealed record PendingDisconnectResponse(DateTimeOffset? DueAt);
