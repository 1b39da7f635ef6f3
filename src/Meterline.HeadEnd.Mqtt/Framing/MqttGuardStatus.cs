namespace Meterline.HeadEnd.Mqtt.Framing;

/// <summary>What the channel may do with the bytes <see cref="MqttStreamGuard.Inspect"/> looked at.</summary>
public enum MqttGuardStatus
{
    /// <summary>All of them may go on to the MQTT parser.</summary>
    Pass = 0,

    /// <summary>The first <see cref="MqttGuardResult.Passable"/> may go on (they end the CONNECT packet); the rest wait until the client has authenticated.</summary>
    Hold = 1,

    /// <summary>None may go on: close the connection.</summary>
    Violation = 2,
}
