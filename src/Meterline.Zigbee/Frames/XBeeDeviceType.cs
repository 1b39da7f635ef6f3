namespace Meterline.Zigbee.Frames;

/// <summary>A Zigbee device type, as in node identification and node discovery data.</summary>
public enum XBeeDeviceType : byte
{
    Coordinator = 0,
    Router = 1,
    EndDevice = 2,
}
