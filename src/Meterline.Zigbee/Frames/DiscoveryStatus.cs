namespace Meterline.Zigbee.Frames;

/// <summary>The discovery status of a Transmit Status frame (Digi XBee Zigbee user guide, "Transmit Status - 0x8B").</summary>
public enum DiscoveryStatus : byte
{
    NoDiscoveryOverhead = 0x00,
    AddressDiscovery = 0x01,
    RouteDiscovery = 0x02,
    AddressAndRouteDiscovery = 0x03,
    ExtendedTimeoutDiscovery = 0x40,
}
