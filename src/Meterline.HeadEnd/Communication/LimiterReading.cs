namespace Meterline.HeadEnd.Communication;

/// <summary>
/// A meter's Limiter as read: the writable <see cref="Settings"/>, the unit of its monitored value ("W", "VA", or the
/// monitored value's logical name when it is neither), threshold_active (3) and emergency_profile_active (10).
/// </summary>
public sealed record LimiterReading(LimiterSettings Settings, string MonitoredUnit, uint ActiveThreshold, bool EmergencyProfileActive);
