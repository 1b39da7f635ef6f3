namespace Meterline.HeadEnd.Mqtt.Framing;

/// <summary>MQTT control packet types (MQTT 5.0 §2.1.2, the high nibble of the fixed header's first byte).</summary>
public enum MqttPacketType : byte
{
    Reserved = 0,
    Connect = 1,
    ConnAck = 2,
    Publish = 3,
    PubAck = 4,
    PubRec = 5,
    PubRel = 6,
    PubComp = 7,
    Subscribe = 8,
    SubAck = 9,
    Unsubscribe = 10,
    UnsubAck = 11,
    PingReq = 12,
    PingResp = 13,
    Disconnect = 14,
    Auth = 15,
}
