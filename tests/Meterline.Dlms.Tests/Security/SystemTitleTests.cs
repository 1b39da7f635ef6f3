using Meterline.Dlms.Security;

namespace Meterline.Dlms.Tests.Security;

public class SystemTitleTests
{
    [Fact]
    public void Parse_GreenBookServerTitle_FormatsBackAndNamesManufacturer()
    {
        var title = SystemTitle.Parse("4D4D4D0000BC614E");

        Assert.Equal("4D4D4D0000BC614E", title.ToString());
        Assert.Equal(0x4D4D4D0000BC614EUL, title.Value);
        Assert.Equal("MMM", title.ManufacturerId);
    }

    [Fact]
    public void Parse_LowerCase_IsAccepted()
    {
        Assert.Equal(SystemTitle.Parse("4D4D4D0000BC614E"), SystemTitle.Parse("4d4d4d0000bc614e"));
    }

    [Theory]
    [InlineData("0000000000000001")]
    [InlineData("4D4D000000000001")]
    [InlineData("4D204D0000000001")]
    public void ManufacturerId_NotPrintable_IsNull(string hex)
    {
        Assert.Null(SystemTitle.Parse(hex).ManufacturerId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("4D4D4D0000BC61")]
    [InlineData("4D4D4D0000BC614E00")]
    [InlineData("4D4D4D0000BC614G")]
    public void TryParse_NotSixteenHexDigits_ReturnsFalse(string? hex)
    {
        Assert.False(SystemTitle.TryParse(hex, out _));
    }

    [Fact]
    public void Parse_Invalid_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(() => SystemTitle.Parse("zz"));
    }

    [Fact]
    public void EncodeDecode_RoundTrip_GivesSameBytes()
    {
        var bytes = Convert.FromHexString("4D4D4D0000000001");
        var title = SystemTitle.Decode(bytes, out var consumed);

        Assert.Equal(8, consumed);
        Assert.Equal(8, title.GetEncodedLength());
        Assert.Equal(bytes, title.Encode());
        Assert.Equal(title, SystemTitle.FromBytes(bytes));
    }

    [Fact]
    public void Decode_SevenBytes_ThrowsTruncatedAtEnd()
    {
        var ex = Assert.Throws<DlmsFormatException>(() => SystemTitle.Decode(new byte[7], out _));

        Assert.Equal(DlmsErrorReason.Truncated, ex.Reason);
        Assert.Equal(7, ex.Offset);
    }

    [Fact]
    public void FromBytes_WrongLength_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => SystemTitle.FromBytes(new byte[9]));
    }

    [Fact]
    public void TryEncode_ShortDestination_ReturnsFalse()
    {
        Assert.False(SystemTitle.Parse("4D4D4D0000000001").TryEncode(new byte[7], out var written));
        Assert.Equal(0, written);
    }
}
