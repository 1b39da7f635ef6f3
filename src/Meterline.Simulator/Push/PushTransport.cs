namespace Meterline.Simulator.Push;

/// <summary>The transport of pushes from the simulator: the IEC 62056-47 wrapper over TCP or UDP.</summary>
public enum PushTransport
{
    Tcp,
    Udp,
}
