namespace Meterline.Simulator.Push;

/// <summary>The transport of pushes from the simulator: the IEC 62056-47 wrapper over TCP or UDP, CoAP POSTs (docs/coap.md), or MQTT messages (docs/mqtt.md).</summary>
public enum PushTransport
{
    Tcp,
    Udp,
    Coap,

    /// <summary>Each meter an MQTT client of the broker, wrapper frames on its up topic at QoS 1 (docs/mqtt.md).</summary>
    Mqtt,
}
