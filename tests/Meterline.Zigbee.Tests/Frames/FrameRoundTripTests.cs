using System.Buffers;
using CsCheck;
using Meterline.Zigbee.Frames;

namespace Meterline.Zigbee.Tests.Frames;

public class FrameRoundTripTests
{
    [Fact]
    public void EncodeDecode_AnyFrameEitherMode_ReencodesByteForByte()
    {
        Gen.Select(FrameGen.Any, FrameGen.Mode).Sample((frame, mode) =>
        {
            var bytes = frame.Encode(mode);
            var reader = new XBeeFrameReader(mode);
            var buffer = new ReadOnlySequence<byte>(bytes);

            Assert.True(reader.TryRead(ref buffer, out var decoded));
            Assert.Equal(0, buffer.Length);
            Assert.Equal(frame.GetType(), decoded.GetType());
            Assert.Equal(frame.FrameType, decoded.FrameType);
            Assert.Equal(Hex.Of(bytes), Hex.Of(decoded.Encode(mode)));
            Assert.Equal(Hex.Of(frame.EncodeFrameData()), Hex.Of(XBeeFrameCodec.Decode(frame.EncodeFrameData()).EncodeFrameData()));
        }, iter: 2000);
    }

    [Fact]
    public void Encode_Mode2_HasNoUnescapedSpecialByteAfterTheDelimiter()
    {
        FrameGen.Any.Sample(frame =>
        {
            var bytes = frame.Encode(XBeeApiMode.ApiEscaped);
            Assert.Equal(0x7E, bytes[0]);
            for (var i = 1; i < bytes.Length; i++)
            {
                Assert.False(bytes[i] is 0x7E or 0x11 or 0x13, $"unescaped 0x{bytes[i]:X2} at {i}");
                if (bytes[i] == 0x7D)
                {
                    Assert.True(XBeeFrameCodec.NeedsEscape((byte)(bytes[++i] ^ 0x20)));
                }
            }
        }, iter: 1000);
    }

    [Fact]
    public void Decode_NodeIdentificationIndicator_ReadsTheFields()
    {
        var frame = new NodeIdentificationIndicator(
            new XBeeAddress64(0x0013A20040000002), new XBeeAddress16(0x1234), ReceiveOptions.BroadcastPacket, new XBeeAddress16(0x1234),
            new XBeeAddress64(0x0013A20040000002), "METER-7", XBeeAddress16.Unknown, XBeeDeviceType.Router, NodeIdentificationEvent.Joined,
            0xC105, 0x101E, ReadOnlyMemory<byte>.Empty);

        var decoded = Assert.IsType<NodeIdentificationIndicator>(XBeeFrameCodec.Decode(frame.EncodeFrameData()));

        Assert.Equal("METER-7", decoded.NodeIdentifier);
        Assert.Equal(new XBeeAddress16(0x1234), decoded.Remote16);
        Assert.Equal(NodeIdentificationEvent.Joined, decoded.SourceEvent);
        Assert.Equal(0x101E, decoded.ManufacturerId);
    }

    [Fact]
    public void NodeDiscoveryResponse_RoundTrips()
    {
        var response = new NodeDiscoveryResponse(
            new XBeeAddress16(0x7D11), new XBeeAddress64(0x0013A2004012137E), "M1", XBeeAddress16.Unknown, XBeeDeviceType.EndDevice, 0, 0xC105, 0x101E, new byte[] { 1, 2, 3, 4, 0xD0 });

        var decoded = NodeDiscoveryResponse.Decode(response.Encode());

        Assert.Equal(Hex.Of(response.Encode()), Hex.Of(decoded.Encode()));
        Assert.Equal(response.Address64, decoded.Address64);
        Assert.Equal("M1", decoded.NodeIdentifier);
    }

    [Theory]
    [InlineData("8B01FFFE0000")]
    [InlineData("90")]
    [InlineData("900013A200")]
    [InlineData("88014E")]
    [InlineData("970100")]
    [InlineData("950013A20040000002FFFE0212340013A200400000024D")]
    [InlineData("8A")]
    [InlineData("10")]
    [InlineData("11010013A20040A1B2C3FFFEE8E8001100C1")]
    public void Decode_KnownTypeTooShort_ThrowsFormatExceptionWithOffset(string frameData)
    {
        var bytes = Hex.Bytes(frameData);

        var e = Assert.Throws<XBeeFrameFormatException>(() => XBeeFrameCodec.Decode(bytes));

        Assert.InRange(e.Offset, 1, bytes.Length);
    }

    [Fact]
    public void Decode_UnknownType_IsKeptWhole()
    {
        var frame = Assert.IsType<UnknownFrame>(XBeeFrameCodec.Decode(Hex.Bytes("A1 01 02 03")));

        Assert.Equal(0xA1, frame.Type);
        Assert.Equal("010203", Hex.Of(frame.Data.Span));
    }

    [Fact]
    public void Encode_BadCommandName_Throws()
    {
        Assert.Throws<ArgumentException>(() => new AtCommand(1, "N").EncodeFrameData());
        Assert.Throws<ArgumentException>(() => new AtCommand(1, "N\u0100").EncodeFrameData());
    }
}
