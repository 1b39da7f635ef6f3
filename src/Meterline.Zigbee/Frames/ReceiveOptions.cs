namespace Meterline.Zigbee.Frames;

/// <summary>Receive options bit field (Digi XBee Zigbee user guide, "Zigbee Receive Packet - 0x90").</summary>
[Flags]
public enum ReceiveOptions : byte
{
    None = 0x00,
    PacketAcknowledged = 0x01,
    BroadcastPacket = 0x02,
    ApsEncrypted = 0x20,
    SentFromEndDevice = 0x40,
}
