namespace Meterline.Zigbee.Frames;

/// <summary>The delivery status of a Transmit Status frame (Digi XBee Zigbee user guide, "Transmit Status - 0x8B").</summary>
public enum DeliveryStatus : byte
{
    Success = 0x00,
    MacAckFailure = 0x01,
    CcaFailure = 0x02,
    InvalidDestinationEndpoint = 0x15,
    NetworkAckFailure = 0x21,
    NotJoinedToNetwork = 0x22,
    SelfAddressed = 0x23,
    AddressNotFound = 0x24,
    RouteNotFound = 0x25,
    BroadcastSourceFailedToHearNeighbour = 0x26,
    InvalidBindingTableIndex = 0x2B,
    ResourceError = 0x2C,
    AttemptedBroadcastWithApsTransmission = 0x2D,
    AttemptedUnicastWithApsTransmissionButEeZero = 0x2E,
    ResourceErrorLackOfBuffers = 0x32,
    DataPayloadTooLarge = 0x74,
    IndirectMessageUnrequested = 0x75,
}
