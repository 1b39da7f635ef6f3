namespace Meterline.HeadEnd.Communication;

/// <summary>
/// emergency_profile of the Limiter (class 71, attribute 8): while it is in force (<paramref name="ActivationTime"/> ≤
/// meter time &lt; activation + <paramref name="Duration"/>) the meter limits to threshold_emergency.
/// </summary>
/// <param name="Id">emergency_profile_id (1 to 65,535).</param>
/// <param name="ActivationTime">emergency_activation_time.</param>
/// <param name="Duration">emergency_duration, whole seconds.</param>
public sealed record LimiterEmergencyProfile(ushort Id, DateTimeOffset ActivationTime, TimeSpan Duration)
{
    public bool Equals(LimiterEmergencyProfile? other) =>
        other is not null && Id == other.Id && ActivationTime.UtcTicks == other.ActivationTime.UtcTicks && Duration == other.Duration;

    public override int GetHashCode() => HashCode.Combine(Id, ActivationTime.UtcTicks, Duration);
}
