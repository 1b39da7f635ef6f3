using Meterline.Dlms.Cosem;

namespace Meterline.Meter.Control;

/// <summary>
/// emergency_profile of the Limiter (Blue Book 4.5.9, class 71, attribute 8): structure {emergency_profile_id
/// long-unsigned, emergency_activation_time octet-string (date-time), emergency_duration double-long-unsigned (s)}.
/// An activation time with every field not specified means "not scheduled".
/// </summary>
public readonly record struct EmergencyProfile(ushort Id, CosemDateTime ActivationTime, uint Duration)
{
    /// <summary>Id 0, not scheduled, no duration.</summary>
    public static EmergencyProfile None { get; } = new(0, CosemDateTime.Unspecified, 0);

    public CosemData ToData() => new CosemData.Structure(
        new CosemData.LongUnsigned(Id),
        CosemData.OctetString.FromDateTime(ActivationTime),
        new CosemData.DoubleLongUnsigned(Duration));
}
