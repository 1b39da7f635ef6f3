using Meterline.Zigbee.Frames;

namespace Meterline.Gateway.Mqtt;

/// <summary>
/// One meter a gateway bridges to the broker: its system title (sixteen upper-case hex digits, the meter's topic name,
/// docs/mqtt.md) and the 64-bit address of its Zigbee radio, or no radio for a meter on a DLMS/TCP link to the gateway.
/// </summary>
public sealed record GatewayMeter(string SystemTitle, XBeeAddress64? Radio);
