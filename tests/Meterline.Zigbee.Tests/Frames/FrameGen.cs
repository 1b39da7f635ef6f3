using CsCheck;
using Meterline.Zigbee.Frames;

namespace Meterline.Zigbee.Tests.Frames;

/// <summary>CsCheck generators for every frame type, with bytes biased towards the four escaped values.</summary>
internal static class FrameGen
{
    public static readonly Gen<byte> Byte = Gen.Frequency(
        (3, Gen.Byte),
        (1, Gen.OneOf<byte>(0x7E, 0x7D, 0x11, 0x13)));

    public static readonly Gen<byte[]> Payload = Byte.Array[0, 120];

    public static readonly Gen<ushort> UShort = Gen.Select(Byte, Byte, (h, l) => (ushort)((h << 8) | l));

    public static readonly Gen<XBeeAddress64> Address64 = Byte.Array[8].Select(b => XBeeAddress64.Decode(b));

    public static readonly Gen<XBeeAddress16> Address16 = UShort.Select(v => new XBeeAddress16(v));

    public static readonly Gen<string> Command = Gen.Char['A', 'Z'].Array[2].Select(c => new string(c));

    public static readonly Gen<string> Identifier = Gen.Char[' ', '~'].Array[0, 20].Select(c => new string(c));

    public static readonly Gen<XBeeFrame> Any = Gen.OneOf<XBeeFrame>(
        Gen.Select(Byte, Command, Payload).Select(t => (XBeeFrame)new AtCommand(t.Item1, t.Item2, t.Item3)),
        Gen.Select(Byte, Command, Payload).Select(t => (XBeeFrame)new QueuedAtCommand(t.Item1, t.Item2, t.Item3)),
        Gen.Select(Byte, Command, Byte, Payload).Select(t => (XBeeFrame)new AtCommandResponse(t.Item1, t.Item2, (AtCommandStatus)t.Item3, t.Item4)),
        Gen.Select(Byte, Address64, Address16, Byte, Command, Payload)
            .Select(t => (XBeeFrame)new RemoteAtCommandRequest(t.Item1, t.Item2, t.Item3, (RemoteCommandOptions)t.Item4, t.Item5, t.Item6)),
        Gen.Select(Byte, Address64, Address16, Command, Byte, Payload)
            .Select(t => (XBeeFrame)new RemoteAtCommandResponse(t.Item1, t.Item2, t.Item3, t.Item4, (AtCommandStatus)t.Item5, t.Item6)),
        Gen.Select(Byte, Address64, Address16, Byte, Byte, Payload)
            .Select(t => (XBeeFrame)new TransmitRequest(t.Item1, t.Item2, t.Item3, t.Item4, (TransmitOptions)t.Item5, t.Item6)),
        Gen.Select(Gen.Select(Byte, Address64, Address16, Byte, Byte), Gen.Select(UShort, UShort, Byte, Byte, Payload))
            .Select(t => (XBeeFrame)new ExplicitAddressingCommand(
                t.Item1.Item1, t.Item1.Item2, t.Item1.Item3, t.Item1.Item4, t.Item1.Item5, t.Item2.Item1, t.Item2.Item2, t.Item2.Item3, (TransmitOptions)t.Item2.Item4, t.Item2.Item5)),
        Gen.Select(Byte, Address16, Byte, Byte, Byte)
            .Select(t => (XBeeFrame)new TransmitStatus(t.Item1, t.Item2, t.Item3, (DeliveryStatus)t.Item4, (DiscoveryStatus)t.Item5)),
        Byte.Select(b => (XBeeFrame)new ModemStatus((ModemStatusCode)b)),
        Gen.Select(Address64, Address16, Byte, Payload).Select(t => (XBeeFrame)new ReceivePacket(t.Item1, t.Item2, (ReceiveOptions)t.Item3, t.Item4)),
        Gen.Select(Gen.Select(Address64, Address16, Byte, Byte), Gen.Select(UShort, UShort, Byte, Payload))
            .Select(t => (XBeeFrame)new ExplicitRxIndicator(
                t.Item1.Item1, t.Item1.Item2, t.Item1.Item3, t.Item1.Item4, t.Item2.Item1, t.Item2.Item2, (ReceiveOptions)t.Item2.Item3, t.Item2.Item4)),
        Gen.Select(Gen.Select(Address64, Address16, Byte, Address16, Address64), Gen.Select(Identifier, Address16, Byte, Byte), Gen.Select(UShort, UShort, Byte.Array[0, 5]))
            .Select(t => (XBeeFrame)new NodeIdentificationIndicator(
                t.Item1.Item1, t.Item1.Item2, (ReceiveOptions)t.Item1.Item3, t.Item1.Item4, t.Item1.Item5,
                t.Item2.Item1, t.Item2.Item2, (XBeeDeviceType)t.Item2.Item3, (NodeIdentificationEvent)t.Item2.Item4,
                t.Item3.Item1, t.Item3.Item2, t.Item3.Item3)),
        Gen.Select(Gen.OneOf<byte>(0x00, 0x21, 0x8E, 0xA0, 0xFF), Payload).Select(t => (XBeeFrame)new UnknownFrame(t.Item1, t.Item2)));

    public static readonly Gen<XBeeApiMode> Mode = Gen.OneOf<XBeeApiMode>(XBeeApiMode.Api, XBeeApiMode.ApiEscaped);
}
