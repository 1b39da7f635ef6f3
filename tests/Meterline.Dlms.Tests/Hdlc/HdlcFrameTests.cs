using Meterline.Dlms.Hdlc;

namespace Meterline.Dlms.Tests.Hdlc;

public class HdlcFrameTests
{
    // Both from u9n/dlms-cosem tests/test_hdlc/test_hdlc.py.
    internal const string Snrm = "7EA00802232193BD647E";
    internal const string Ua = "7EA01F21022373E6C781801205019A06019A070400000001080400000001CCA27E";

    [Fact]
    public void Encode_Snrm_MatchesPublishedFrame()
    {
        var frame = new HdlcFrame(HdlcAddress.Server(1, 17), HdlcAddress.Client(16), HdlcControl.Unnumbered(HdlcFrameType.SetNormalResponseMode), ReadOnlyMemory<byte>.Empty);
        Assert.Equal(Snrm, Convert.ToHexString(frame.ToArray()));
    }

    [Fact]
    public void Encode_UaWithParameters_MatchesPublishedFrame()
    {
        var parameters = new HdlcParameters(154, 154, 1, 1);
        var frame = new HdlcFrame(HdlcAddress.Client(16), HdlcAddress.Server(1, 17), HdlcControl.Unnumbered(HdlcFrameType.UnnumberedAcknowledge), parameters.Encode());
        Assert.Equal(Ua, Convert.ToHexString(frame.ToArray()));
    }

    [Fact]
    public void Decode_UaParameters_GivesNegotiatedValues()
    {
        var reader = new HdlcFrameReader();
        var buffer = new System.Buffers.ReadOnlySequence<byte>(Convert.FromHexString(Ua));
        Assert.True(reader.TryRead(ref buffer, out var frame));
        Assert.Equal(HdlcFrameType.UnnumberedAcknowledge, frame.Control.FrameType);
        Assert.True(frame.Control.PollFinal);
        Assert.Equal(new HdlcParameters(154, 154, 1, 1), HdlcParameters.Decode(frame.Information.Span));
    }

    [Theory]
    [InlineData(1, 0, 1, "03")]
    [InlineData(16, 0, 1, "21")]
    [InlineData(1, 17, 2, "0223")]
    [InlineData(1, 0x3FFF, 4, "0002FEFF")]
    [InlineData(0x1234, 0x0567, 4, "486814CF")]
    public void Address_RoundTrip_EncodesSevenBitsPerByte(int upper, int lower, int size, string hex)
    {
        var address = size == 1 ? HdlcAddress.OneByte(upper) : HdlcAddress.Server(upper, lower, size);
        Span<byte> bytes = stackalloc byte[4];
        Assert.True(address.TryEncode(bytes, out var written));
        Assert.Equal(hex.Replace(" ", string.Empty, StringComparison.Ordinal), Convert.ToHexString(bytes[..written]));
        Assert.True(HdlcAddress.TryDecode(bytes[..written], out var back, out var read));
        Assert.Equal(address, back);
        Assert.Equal(size, read);
    }

    [Theory]
    [InlineData("000203")]
    [InlineData("0002")]
    [InlineData("0002040608")]
    public void Address_ThreeOrMoreThanFourBytesOrUnterminated_IsRejected(string hex)
    {
        Assert.False(HdlcAddress.TryDecode(Convert.FromHexString(hex), out _, out _));
    }

    [Theory]
    [InlineData(0x10, HdlcFrameType.Information)]
    [InlineData(0x51, HdlcFrameType.ReceiveReady)]
    [InlineData(0x55, HdlcFrameType.ReceiveNotReady)]
    [InlineData(0x93, HdlcFrameType.SetNormalResponseMode)]
    [InlineData(0x53, HdlcFrameType.Disconnect)]
    [InlineData(0x73, HdlcFrameType.UnnumberedAcknowledge)]
    [InlineData(0x1F, HdlcFrameType.DisconnectedMode)]
    [InlineData(0x97, HdlcFrameType.FrameReject)]
    [InlineData(0x13, HdlcFrameType.UnnumberedInformation)]
    public void Control_KnownValues_HaveTheirFrameType(byte value, HdlcFrameType type)
    {
        var control = new HdlcControl(value);
        Assert.True(control.IsKnown);
        Assert.Equal(type, control.FrameType);
    }

    [Fact]
    public void Control_Information_PacksSequenceNumbers()
    {
        var control = HdlcControl.Information(sendSequence: 3, receiveSequence: 5, pollFinal: true);
        Assert.Equal(0xB6, control.Value);
        Assert.Equal(3, control.SendSequence);
        Assert.Equal(5, control.ReceiveSequence);
        Assert.True(control.PollFinal);
    }

    [Fact]
    public void Parameters_NegotiateAsServer_TakesTheSmallerOfEachPair()
    {
        var server = new HdlcParameters(512, 256, 1, 1);
        var proposal = new HdlcParameters(128, 1024, 7, 7);
        Assert.Equal(new HdlcParameters(512, 128, 1, 1), server.NegotiateAsServer(proposal));
    }

    [Theory]
    [InlineData("8180")]
    [InlineData("818005050102")]
    [InlineData("8180030501")]
    [InlineData("818004050200000")]
    [InlineData("818003070109")]
    [InlineData("8280020100")]
    public void Parameters_Malformed_ThrowsDlmsFormatException(string hex)
    {
        var bytes = Convert.FromHexString(hex.Length % 2 == 0 ? hex : hex + "0");
        Assert.Throws<DlmsFormatException>(() => HdlcParameters.Decode(bytes));
    }
}
