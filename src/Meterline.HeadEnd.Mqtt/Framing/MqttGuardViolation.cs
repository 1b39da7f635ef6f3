namespace Meterline.HeadEnd.Mqtt.Framing;

/// <summary>Why <see cref="MqttStreamGuard"/> stopped a connection's inbound bytes.</summary>
public enum MqttGuardViolation
{
    None = 0,

    /// <summary>No MQTT fixed header: a reserved packet type or a Remaining Length longer than four bytes.</summary>
    Malformed = 1,

    /// <summary>The first packet is not CONNECT (MQTT 5.0 §3.1: a protocol error).</summary>
    NotConnectFirst = 2,

    /// <summary>A second CONNECT on the same connection (MQTT 5.0 §3.1: a protocol error).</summary>
    SecondConnect = 3,

    /// <summary>A packet announced longer than allowed in its state (before authentication, or after).</summary>
    Oversize = 4,
}
