using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.DemandControl;

/// <summary>A member still waiting for its command.</summary>
public readonly record struct DemandLimitPendingMember(DemandLimitId Limit, MeterId Meter);
