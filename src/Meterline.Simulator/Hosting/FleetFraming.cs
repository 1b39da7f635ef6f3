namespace Meterline.Simulator.Hosting;

/// <summary>The framing of DLMS/TCP on a <see cref="FleetHost"/>: one for all its connections.</summary>
public enum FleetFraming
{
    /// <summary>The IEC 62056-47 wrapper (the usual DLMS/TCP).</summary>
    Wrapper,

    /// <summary>HDLC (IEC 62056-46) over TCP, as a serial-to-IP converter or data concentrator passes it through.</summary>
    Hdlc,
}
