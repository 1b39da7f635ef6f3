namespace Meterline.Zigbee.Frames;

/// <summary>The <c>AP</c> setting (Digi XBee Zigbee user guide, "API operation: API frame format").</summary>
public enum XBeeApiMode : byte
{
    /// <summary>AP = 0: transparent mode; no frames. The driver refuses a module in this mode.</summary>
    Transparent = 0,

    /// <summary>AP = 1: API frames without escaping.</summary>
    Api = 1,

    /// <summary>AP = 2: API frames with 0x7E, 0x7D, 0x11 and 0x13 escaped after the start delimiter.</summary>
    ApiEscaped = 2,
}
