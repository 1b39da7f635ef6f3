namespace Meterline.HeadEnd.Communication;

/// <summary>
/// What the head-end writes to a meter's Limiter (Blue Book 4.5.9, class 71) and reads back: threshold_normal (4) and
/// threshold_emergency (5) in the unit of the monitored value (W for active power, VA for apparent power),
/// min_over_threshold_duration (6) and min_under_threshold_duration (7) in seconds, and the emergency profile (8, with
/// its id as the only entry of emergency_profile_group_id_list, 9), or none. A threshold of 0 disables limiting while
/// it is the active one.
/// </summary>
public sealed record LimiterSettings(
    uint NormalThreshold,
    uint EmergencyThreshold,
    uint MinOverThresholdDuration,
    uint MinUnderThresholdDuration,
    LimiterEmergencyProfile? EmergencyProfile);
