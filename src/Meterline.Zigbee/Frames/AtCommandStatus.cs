namespace Meterline.Zigbee.Frames;

/// <summary>The command status of an AT Command Response (Digi XBee Zigbee user guide, "AT Command Response - 0x88").</summary>
public enum AtCommandStatus : byte
{
    Ok = 0,
    Error = 1,
    InvalidCommand = 2,
    InvalidParameter = 3,

    /// <summary>Remote AT commands only: the request did not reach the remote module.</summary>
    TransmissionFailure = 4,
}
