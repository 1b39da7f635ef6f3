namespace Meterline.Zigbee.Frames;

/// <summary>API frame type identifiers (Digi XBee Zigbee user guide, "API frames").</summary>
public enum XBeeFrameType : byte
{
    AtCommand = 0x08,
    QueuedAtCommand = 0x09,
    TransmitRequest = 0x10,
    ExplicitAddressingCommand = 0x11,
    RemoteAtCommandRequest = 0x17,
    AtCommandResponse = 0x88,
    ModemStatus = 0x8A,
    TransmitStatus = 0x8B,
    ReceivePacket = 0x90,
    ExplicitRxIndicator = 0x91,
    NodeIdentificationIndicator = 0x95,
    RemoteAtCommandResponse = 0x97,
}
