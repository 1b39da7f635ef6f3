namespace Meterline.Zigbee.Frames;

/// <summary>Why a node identified itself (Digi XBee Zigbee user guide, "Node Identification Indicator - 0x95").</summary>
public enum NodeIdentificationEvent : byte
{
    PushbuttonPressed = 1,
    Joined = 2,
    PowerCycle = 3,
}
