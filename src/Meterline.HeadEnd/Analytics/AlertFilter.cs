using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Analytics;

/// <summary>Which alerts a listing returns; every condition given must hold.</summary>
public sealed record AlertFilter(AlertState? State = null, MeterId? Meter = null, string? RuleId = null);
