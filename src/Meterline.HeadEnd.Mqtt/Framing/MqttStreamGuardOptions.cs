namespace Meterline.HeadEnd.Mqtt.Framing;

/// <summary>The packet-size limits <see cref="MqttStreamGuard"/> enforces.</summary>
public sealed record MqttStreamGuardOptions
{
    /// <summary>The largest CONNECT packet, fixed header included, accepted before authentication (client id, user name, password and a few properties fit in 512 bytes).</summary>
    public int MaxConnectPacketLength { get; init; } = 512;

    /// <summary>The largest packet after authentication: the largest APDU in a wrapper frame, plus topic and properties.</summary>
    public int MaxPacketLength { get; init; } = 4096 + 8 + 256;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnectPacketLength, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPacketLength, MaxConnectPacketLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxPacketLength, MqttFixedHeader.MaxRemainingLength);
    }
}
