using System.Buffers;
using Meterline.Coap.Messages;
using Meterline.Dlms;
using Meterline.Dlms.Acse;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Hdlc;
using Meterline.Dlms.Wrapper;
using Meterline.HeadEnd.Mqtt.Framing;
using Meterline.Zigbee;
using Meterline.Zigbee.Frames;

namespace Meterline.Fuzz;

/// <summary>
/// The decoders under fuzz. Each target accepts the decoder's documented refusal — <see cref="DlmsFormatException"/>,
/// <see cref="XBeeFrameFormatException"/>, <see cref="CoapFormatException"/>, a refusal result — and lets anything else
/// escape. Where a value decodes, it is encoded again and must decode to the same value.
/// </summary>
internal static class FuzzTargets
{
    private const string Dlms = "Meterline.Dlms.dll";

    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("axdr", "A-XDR CosemData (tagged data, incl. compact-array) via CosemDataCodec.Decode", [Dlms], Axdr),
        new("apdu", "xDLMS APDUs and ACSE AARQ/AARE/RLRQ/RLRE via ApduCodec.Decode, with the ACSE user-information", [Dlms], Apdu),
        new("hdlc", "HDLC frames (IEC 62056-46) from a byte stream via HdlcFrameReader, and the SNRM/UA parameter field", [Dlms], Hdlc),
        new("wrapper", "IEC 62056-47 wrapper: UDP datagrams via WrapperFrame.DecodeDatagram, TCP streams via WrapperFrameReader", [Dlms], Wrapper),
        new("xbee", "XBee API frames, API mode 1 and 2 (escaped), via XBeeFrameReader and XBeeFrameCodec.Decode", ["Meterline.Zigbee.dll"], XBee),
        new("coap", "CoAP messages (RFC 7252) via CoapMessageReader", ["Meterline.Coap.dll"], Coap),
        new("mqtt", "MQTT uplink payload to readings: wrapper frame, secured-APDU header, DataNotification, push mapping", [Dlms, "Meterline.HeadEnd.dll", "Meterline.HeadEnd.Dlms.dll"], MqttPayloadTarget.Run),
        new("mqtt-guard", "The MQTT fixed-header guard in front of the embedded broker (MqttStreamGuard)", ["Meterline.HeadEnd.Mqtt.dll"], MqttGuard),
    ];

    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal));

    private static void Axdr(byte[] input)
    {
        CosemData value;
        try
        {
            value = CosemDataCodec.Decode(input);
        }
        catch (DlmsFormatException)
        {
            return;
        }

        var again = CosemDataCodec.Decode(CosemDataCodec.Encode(value));
        if (!again.Equals(value))
        {
            throw new FuzzPropertyException($"CosemData round trip changed {value} into {again}.");
        }
    }

    private static void Apdu(byte[] input)
    {
        Apdu apdu;
        try
        {
            apdu = ApduCodec.Decode(input);
        }
        catch (DlmsFormatException)
        {
            return;
        }

        var again = ApduCodec.Decode(ApduCodec.Encode(apdu));
        if (!again.Equals(apdu))
        {
            throw new FuzzPropertyException($"APDU round trip changed {apdu} into {again}.");
        }

        try
        {
            _ = apdu switch
            {
                Aarq aarq when !aarq.IsUserInformationCiphered => aarq.DecodeUserInformation(),
                Aare aare => aare.DecodeUserInformation(),
                Rlrq rlrq => rlrq.DecodeUserInformation(),
                Rlre rlre => rlre.DecodeUserInformation(),
                _ => null,
            };
        }
        catch (DlmsFormatException)
        {
            // A user-information that does not decode is refused like the APDU itself.
        }
    }

    private static void Hdlc(byte[] input)
    {
        var reader = new HdlcFrameReader(HdlcParameters.DefaultMaxInformationLength);
        StreamFeed.Run(input, (ref ReadOnlySequence<byte> buffer) =>
        {
            if (!reader.TryRead(ref buffer, out var frame))
            {
                return false;
            }

            try
            {
                _ = HdlcParameters.Decode(frame.Information.Span);
            }
            catch (DlmsFormatException)
            {
                // Not a parameter field: refused.
            }

            return true;
        });
    }

    private static void Wrapper(byte[] input)
    {
        try
        {
            var frame = WrapperFrame.DecodeDatagram(input);
            if (!WrapperFrame.DecodeDatagram(frame.ToArray()).Equals(frame))
            {
                throw new FuzzPropertyException("Wrapper datagram round trip changed the frame.");
            }
        }
        catch (DlmsFormatException)
        {
            // Refused datagram.
        }

        var reader = new WrapperFrameReader(256);
        StreamFeed.Run(input, (ref ReadOnlySequence<byte> buffer) => reader.TryRead(ref buffer, out _));
    }

    private static void XBee(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        var mode = (input[0] & 0x80) == 0 ? XBeeApiMode.Api : XBeeApiMode.ApiEscaped;
        var reader = new XBeeFrameReader(mode, 128);
        StreamFeed.Run(input.AsSpan(1), (ref ReadOnlySequence<byte> buffer) => reader.TryRead(ref buffer, out _));
        try
        {
            _ = XBeeFrameCodec.Decode(input.AsSpan(1));
        }
        catch (XBeeFrameFormatException)
        {
            // Refused frame data.
        }
    }

    private static void Coap(byte[] input)
    {
        CoapMessage message;
        try
        {
            message = CoapMessageReader.Read(input);
        }
        catch (CoapFormatException)
        {
            if (CoapMessageReader.TryRead(input, null, out _, out var error) || error is null)
            {
                throw new FuzzPropertyException("TryRead accepted what Read refused.");
            }

            return;
        }

        if (!CoapMessageReader.TryRead(input, null, out var tried, out _) || tried is null)
        {
            throw new FuzzPropertyException("TryRead refused what Read accepted.");
        }

        _ = message.Payload.Length;
    }

    private static void MqttGuard(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        var guard = new MqttStreamGuard(new MqttStreamGuardOptions());
        var chunk = Math.Max(1, (int)input[0]);
        ReadOnlySpan<byte> rest = input.AsSpan(1);
        var rounds = 0;
        while (!rest.IsEmpty)
        {
            if (++rounds > input.Length * 2 + 4)
            {
                throw new FuzzPropertyException("The MQTT guard makes no progress.");
            }

            var take = rest[..Math.Min(chunk, rest.Length)];
            var result = guard.Inspect(take);
            if (result.Status == MqttGuardStatus.Violation)
            {
                return;
            }

            if (result.Passable < 0 || result.Passable > take.Length)
            {
                throw new FuzzPropertyException($"The MQTT guard passed {result.Passable} of {take.Length} bytes.");
            }

            if (result.Status == MqttGuardStatus.Hold)
            {
                guard.Authenticated();
                rest = rest[result.Passable..];
                continue;
            }

            rest = rest[take.Length..];
        }
    }
}
