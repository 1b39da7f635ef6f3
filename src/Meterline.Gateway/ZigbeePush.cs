using Meterline.Zigbee.Frames;

namespace Meterline.Gateway;

/// <summary>An APDU a meter sent on its own (a push), with the radio it came from and the wrapper wPorts it carried.</summary>
public sealed record ZigbeePush(XBeeAddress64 Source, ushort SourceWPort, ushort DestinationWPort, ReadOnlyMemory<byte> Apdu, DateTimeOffset ReceivedAt);
