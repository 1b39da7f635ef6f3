namespace Meterline.HeadEnd.Mqtt.Uplink;

/// <summary>What became of one message from a meter's <c>up</c> topic, as its PUBACK reports it.</summary>
public enum UplinkDisposition
{
    /// <summary>A push whose data is committed, or a session response delivered to its session: PUBACK success.</summary>
    Accepted = 0,

    /// <summary>Refused for good (guard, authentication, format): PUBACK with an error reason; the meter must not resend it.</summary>
    Refused = 1,

    /// <summary>Good but not stored now (shed, failed write): PUBACK with an error reason; the meter sends it again.</summary>
    Failed = 2,
}
