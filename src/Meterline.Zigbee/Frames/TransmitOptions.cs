namespace Meterline.Zigbee.Frames;

/// <summary>Transmit options bit field (Digi XBee Zigbee user guide, "Zigbee Transmit Request - 0x10").</summary>
[Flags]
public enum TransmitOptions : byte
{
    None = 0x00,
    DisableRetriesAndRouteRepair = 0x01,
    EnableApsEncryption = 0x20,
    UseExtendedTimeout = 0x40,
}
