using Meterline.Dlms;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Tests.Cosem;

public class ObisCodeTests
{
    [Theory]
    [InlineData("1.0.1.8.0.255", 1, 0, 1, 8, 0, 255)]
    [InlineData("0.0.1.0.0.255", 0, 0, 1, 0, 0, 255)]
    [InlineData("0.0.96.3.10.255", 0, 0, 96, 3, 10, 255)]
    [InlineData("255.255.255.255.255.255", 255, 255, 255, 255, 255, 255)]
    [InlineData("0.0.0.0.0.0", 0, 0, 0, 0, 0, 0)]
    public void Parse_DottedForm_ReturnsGroupsAndFormatsBack(string text, int a, int b, int c, int d, int e, int f)
    {
        var code = ObisCode.Parse(text);

        Assert.Equal(new ObisCode((byte)a, (byte)b, (byte)c, (byte)d, (byte)e, (byte)f), code);
        Assert.Equal(text, code.ToString());
    }

    [Theory]
    [InlineData("1-0:1.8.0*255", "1.0.1.8.0.255")]
    [InlineData("0-0:96.3.10*255", "0.0.96.3.10.255")]
    [InlineData("1-0:99.1.0*255", "1.0.99.1.0.255")]
    public void Parse_IecForm_ReturnsSameCodeAsDotted(string iec, string dotted)
    {
        var code = ObisCode.Parse(iec);

        Assert.Equal(ObisCode.Parse(dotted), code);
        Assert.Equal(iec, code.ToIecString());
        Assert.Equal(iec, code.ToString(ObisCode.IecFormat, null));
        Assert.Equal(dotted, code.ToString(ObisCode.DottedFormat, null));
    }

    [Fact]
    public void Parse_IecFormWithDotBeforeF_IsAccepted()
    {
        Assert.Equal(new ObisCode(1, 0, 1, 8, 0, 255), ObisCode.Parse("1-0:1.8.0.255"));
    }

    [Fact]
    public void Parse_LeadingZeros_AreAccepted()
    {
        Assert.Equal(new ObisCode(1, 0, 1, 8, 0, 255), ObisCode.Parse("001.000.001.008.000.255"));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("1.0.1.8.0", "5 value groups")]
    [InlineData("1.0.1.8.0.255.1", "unexpected text")]
    [InlineData("1.0.1.8.0.256", "256 in value group F")]
    [InlineData("1.0.1.8.0.1000", "more than three digits")]
    [InlineData("1.0.1.8..255", "no number for value group E")]
    [InlineData("1.0.1.8.0.-1", "no number for value group F")]
    [InlineData("a.0.1.8.0.255", "no number for value group A")]
    [InlineData(" 1.0.1.8.0.255", "no number for value group A")]
    [InlineData("1.0.1.8.0.255 ", "unexpected text")]
    [InlineData("1.0:1.8.0.255", "expected '.'")]
    [InlineData("1-0.1.8.0*255", "expected ':'")]
    [InlineData("1-0:1.8.0-255", "expected '*'")]
    [InlineData("1-0:1:8.0*255", "expected '.'")]
    [InlineData("1.0.1.8.0*255", "expected '.'")]
    [InlineData("1;0;1;8;0;255", "expected '.' (A.B.C.D.E.F) or '-'")]
    [InlineData("123456789012345678901234567890", "too long")]
    public void Parse_BadText_ThrowsFormatExceptionSayingWhy(string text, string expectedInMessage)
    {
        var error = Assert.Throws<FormatException>(() => ObisCode.Parse(text));

        Assert.Contains(expectedInMessage, error.Message, StringComparison.Ordinal);
        Assert.False(ObisCode.TryParse(text, out var result));
        Assert.Equal(default, result);
    }

    [Fact]
    public void TryParse_Null_ReturnsFalse()
    {
        Assert.False(ObisCode.TryParse((string?)null, out _));
    }

    [Fact]
    public void ToString_UnknownFormat_Throws()
    {
        Assert.Throws<FormatException>(() => ObisCode.Clock.ToString("X", null));
    }

    [Fact]
    public void TryFormat_DestinationTooSmall_ReturnsFalse()
    {
        Span<char> small = stackalloc char[5];

        Assert.False(ObisCode.Clock.TryFormat(small, out _, default, null));
    }

    [Fact]
    public void ParseAndFormat_EveryGroupValue_RoundTrips()
    {
        for (var value = 0; value <= byte.MaxValue; value++)
        {
            var code = new ObisCode((byte)value, 1, (byte)(255 - value), 3, (byte)value, 5);

            Assert.Equal(code, ObisCode.Parse(code.ToString()));
            Assert.Equal(code, ObisCode.Parse(code.ToIecString()));
        }
    }

    [Fact]
    public void Encode_Clock_IsItsSixBytes()
    {
        Span<byte> buffer = stackalloc byte[8];

        var written = ObisCode.Clock.Encode(buffer);

        Assert.Equal(6, written);
        Assert.Equal(Convert.FromHexString("0000010000FF"), buffer[..written].ToArray());
        Assert.Equal(Convert.FromHexString("0000010000FF"), ObisCode.Clock.ToArray());
        Assert.Equal(6, ObisCode.Clock.GetEncodedLength());
    }

    [Fact]
    public void Decode_SixBytes_ReturnsCode()
    {
        var code = ObisCode.Decode(Convert.FromHexString("000060030AFF"), out var consumed);

        Assert.Equal(new ObisCode(0, 0, 96, 3, 10, 255), code);
        Assert.Equal(6, consumed);
    }

    [Fact]
    public void Decode_FiveBytes_ThrowsTruncated()
    {
        var error = Assert.Throws<DlmsFormatException>(() => ObisCode.Decode(new byte[5], out _));

        Assert.Equal(DlmsErrorReason.Truncated, error.Reason);
        Assert.Equal(5, error.Offset);
        Assert.False(ObisCode.TryDecode(new byte[5], out _, out var consumed));
        Assert.Equal(0, consumed);
    }

    [Fact]
    public void Encode_DestinationTooSmall_Throws()
    {
        Assert.False(ObisCode.Clock.TryEncode(new byte[5], out var written));
        Assert.Equal(0, written);
        Assert.Throws<ArgumentException>(() => ObisCode.Clock.Encode(new byte[5]));
    }

    [Fact]
    public void WellKnownCodes_HaveTheirStandardValues()
    {
        Assert.Equal("0.0.1.0.0.255", ObisCode.Clock.ToString());
        Assert.Equal("0.0.40.0.0.255", ObisCode.CurrentAssociation.ToString());
    }
}
