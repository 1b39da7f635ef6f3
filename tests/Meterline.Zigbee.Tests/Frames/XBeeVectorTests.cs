using System.Buffers;
using Meterline.Zigbee.Frames;

namespace Meterline.Zigbee.Tests.Frames;

/// <summary>The XBee vectors of /work/shared/reference/test-vectors.md (Digi XBee/XBee-PRO Zigbee RF Modules user guide).</summary>
public class XBeeVectorTests
{
    private const string AtNi = "7E000408014E495F";
    private const string TransmitMode1 = "7E001210010013A20040A1B2C3FFFE00007E7D1113C7";
    private const string TransmitMode2 = "7E00121001007D33A20040A1B2C3FFFE00007D5E7D5D7D317D33C7";

    private static TransmitRequest Transmit => new(
        1, new XBeeAddress64(0x0013A20040A1B2C3), XBeeAddress16.Unknown, 0, TransmitOptions.None, new byte[] { 0x7E, 0x7D, 0x11, 0x13 });

    [Theory]
    [InlineData(XBeeApiMode.Api)]
    [InlineData(XBeeApiMode.ApiEscaped)]
    public void Encode_AtCommandNi_MatchesVector(XBeeApiMode mode)
    {
        // No byte of this frame needs escaping, so both modes give the same bytes.
        Assert.Equal(AtNi, Hex.Of(new AtCommand(1, "NI").Encode(mode)));
    }

    [Fact]
    public void Encode_TransmitRequestMode1_MatchesVector() => Assert.Equal(TransmitMode1, Hex.Of(Transmit.Encode(XBeeApiMode.Api)));

    [Fact]
    public void Encode_TransmitRequestMode2_MatchesVectorWithOuiEscaped() =>
        Assert.Equal(TransmitMode2, Hex.Of(Transmit.Encode(XBeeApiMode.ApiEscaped)));

    [Theory]
    [InlineData(AtNi, XBeeApiMode.Api)]
    [InlineData(AtNi, XBeeApiMode.ApiEscaped)]
    [InlineData(TransmitMode1, XBeeApiMode.Api)]
    [InlineData(TransmitMode2, XBeeApiMode.ApiEscaped)]
    public void TryRead_Vector_DecodesAndReencodesByteForByte(string hex, XBeeApiMode mode)
    {
        var reader = new XBeeFrameReader(mode);
        var buffer = new ReadOnlySequence<byte>(Hex.Bytes(hex));

        Assert.True(reader.TryRead(ref buffer, out var frame));
        Assert.Equal(0, buffer.Length);
        Assert.Equal(hex, Hex.Of(frame.Encode(mode)));
    }

    [Fact]
    public void TryRead_TransmitVectorMode2_HasThePayloadUnescaped()
    {
        var reader = new XBeeFrameReader(XBeeApiMode.ApiEscaped);
        var buffer = new ReadOnlySequence<byte>(Hex.Bytes(TransmitMode2));

        Assert.True(reader.TryRead(ref buffer, out var frame));
        var transmit = Assert.IsType<TransmitRequest>(frame);
        Assert.Equal(new XBeeAddress64(0x0013A20040A1B2C3), transmit.Destination64);
        Assert.Equal(XBeeAddress16.Unknown, transmit.Destination16);
        Assert.Equal("7E7D1113", Hex.Of(transmit.Data.Span));
    }

    [Fact]
    public void Checksum_AtNiFrameData_Is5F() => Assert.Equal(0x5F, XBeeChecksum.Compute(Hex.Bytes("08014E49")));

    [Fact]
    public void Addresses_BroadcastAndUnknown_HaveTheReservedValues()
    {
        Assert.Equal("000000000000FFFF", XBeeAddress64.Broadcast.ToString());
        Assert.Equal("FFFE", XBeeAddress16.Unknown.ToString());
        Assert.Equal("0013A20040A1B2C3", Hex.Of(new XBeeAddress64(0x0013A20040A1B2C3).Encode()));
        Assert.Equal(new XBeeAddress64(0x0013A20040A1B2C3), XBeeAddress64.FromHighLow(0x0013A200, 0x40A1B2C3));
        Assert.False(XBeeAddress64.TryDecode(new byte[7], out _));
        Assert.False(XBeeAddress16.TryDecode(new byte[1], out _));
    }
}
