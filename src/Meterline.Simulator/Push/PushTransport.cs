namespace Meterline.Simulator.Push;

/// <summary>The transport of pushes from the simulator: the IEC 62056-47 wrapper over TCP or UDP, or CoAP POSTs (docs/coap.md).</summary>
public enum PushTransport
{
    Tcp,
    Udp,
    Coap,
}
