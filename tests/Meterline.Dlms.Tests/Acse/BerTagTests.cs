using Meterline.Dlms.Acse;

namespace Meterline.Dlms.Tests.Acse;

public class BerTagTests
{
    // Identifier octets from X.690 §8.1.2 and the DLMS encodings: 60 = [APPLICATION 0] constructed (AARQ),
    // A1 = [1] constructed, 8A = [10] primitive, BE = [30] constructed, 5F 1F = [APPLICATION 31] (conformance).
    [Theory]
    [InlineData("60", BerTagClass.Application, 0, true)]
    [InlineData("61", BerTagClass.Application, 1, true)]
    [InlineData("A1", BerTagClass.ContextSpecific, 1, true)]
    [InlineData("8A", BerTagClass.ContextSpecific, 10, false)]
    [InlineData("9D", BerTagClass.ContextSpecific, 29, false)]
    [InlineData("BE", BerTagClass.ContextSpecific, 30, true)]
    [InlineData("04", BerTagClass.Universal, 4, false)]
    [InlineData("DE", BerTagClass.Private, 30, false)]
    [InlineData("5F1F", BerTagClass.Application, 31, false)]
    [InlineData("BF1F", BerTagClass.ContextSpecific, 31, true)]
    [InlineData("9F7F", BerTagClass.ContextSpecific, 127, false)]
    [InlineData("9F8100", BerTagClass.ContextSpecific, 128, false)]
    [InlineData("5FFFFFFF7F", BerTagClass.Application, BerTag.MaxTagValue, false)]
    public void Decode_KnownIdentifier_RoundTrips(string hex, BerTagClass tagClass, int value, bool constructed)
    {
        var bytes = Convert.FromHexString(hex + "00");
        var tag = BerTag.Decode(bytes, out var consumed);

        Assert.Equal(new BerTag(tagClass, value, constructed), tag);
        Assert.Equal(hex.Length / 2, consumed);
        Assert.Equal(consumed, tag.GetEncodedLength());
        var encoded = new byte[consumed];
        Assert.Equal(consumed, tag.Encode(encoded));
        Assert.Equal(hex, Convert.ToHexString(encoded));
    }

    [Theory]
    [InlineData("", DlmsErrorReason.Truncated, 0)]
    [InlineData("5F", DlmsErrorReason.Truncated, 1)]
    [InlineData("5F81", DlmsErrorReason.Truncated, 2)]
    [InlineData("5F8001", DlmsErrorReason.Malformed, 1)] // leading zero digit, X.690 §8.1.2.4.2 c
    [InlineData("5F1E", DlmsErrorReason.Malformed, 0)] // 30 must use the one-octet form, §8.1.2.2
    [InlineData("5F8181818101", DlmsErrorReason.Unsupported, 5)] // more than four subsequent octets
    public void Decode_InvalidIdentifier_ThrowsWithOffset(string hex, DlmsErrorReason reason, int offset)
    {
        var bytes = Convert.FromHexString(hex);
        var e = Assert.Throws<DlmsFormatException>(() => BerTag.Decode(bytes, out _));
        Assert.Equal(reason, e.Reason);
        Assert.Equal(offset, e.Offset);
        Assert.False(BerTag.TryDecode(bytes, out _, out var consumed));
        Assert.Equal(0, consumed);
    }

    [Fact]
    public void TryEncode_DestinationTooSmall_ReturnsFalse()
    {
        Assert.False(BerTag.Application(31).TryEncode(new byte[1], out var written));
        Assert.Equal(0, written);
    }

    [Fact]
    public void Constructor_ValueOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BerTag(BerTagClass.Universal, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BerTag(BerTagClass.Universal, BerTag.MaxTagValue + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BerTag((BerTagClass)4, 1));
    }

    [Fact]
    public void ToString_ShowsClassNumberAndForm()
    {
        Assert.Equal("[APPLICATION 31]", BerTag.Application(31).ToString());
        Assert.Equal("[30] constructed", BerTag.ContextSpecific(30, isConstructed: true).ToString());
    }
}
