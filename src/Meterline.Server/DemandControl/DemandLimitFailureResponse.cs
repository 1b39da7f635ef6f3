namespace Meterline.Server.DemandControl;

/// <summary>A member that did not get its limit: the meter, its command (if one was made), the state and why.</summary>
public sealed record DemandLimitFailureResponse(string? Meter, long? Command, string State, string Reason);
