using System.Buffers;
using Meterline.Dlms.Acse;

namespace Meterline.Dlms.Tests.Acse;

public class AuthenticationValueTests
{
    [Theory]
    [InlineData("AC0A80083132333435363738", AuthenticationValueKind.CharString, "3132333435363738", 0)]
    [InlineData("AC0481020780", AuthenticationValueKind.BitString, "80", 7)]
    [InlineData("AC03810100", AuthenticationValueKind.BitString, "", 0)]
    [InlineData("AC07A20506032A0304", AuthenticationValueKind.External, "06032A0304", 0)]
    [InlineData("AC0EA30C06076085740508020704010A", AuthenticationValueKind.Other, "06076085740508020704010A", 0)]
    [InlineData("AC028000", AuthenticationValueKind.CharString, "", 0)]
    public void Read_EachAlternative_ParsesAndReencodes(string hex, AuthenticationValueKind kind, string value, int unusedBits)
    {
        var bytes = Convert.FromHexString(hex);
        var reader = new BerReader(bytes);
        var parsed = AuthenticationValue.Read(ref reader, BerTag.ContextSpecific(12, isConstructed: true));

        Assert.True(reader.IsAtEnd);
        Assert.Equal(kind, parsed.Kind);
        Assert.Equal(value, Convert.ToHexString(parsed.Value.Span));
        Assert.Equal(unusedBits, parsed.UnusedBits);
        var buffer = new ArrayBufferWriter<byte>();
        parsed.Write(new BerWriter(buffer), BerTag.ContextSpecific(12, isConstructed: true));
        Assert.Equal(hex, Convert.ToHexString(buffer.WrittenSpan));
    }

    [Theory]
    [InlineData("AC028400", DlmsErrorReason.UnknownTag, 2)] // [4] is not an alternative
    [InlineData("AC020400", DlmsErrorReason.UnknownTag, 2)] // universal OCTET STRING
    [InlineData("AC02A000", DlmsErrorReason.Malformed, 2)] // charstring must be primitive
    [InlineData("AC028200", DlmsErrorReason.Malformed, 2)] // external must be constructed
    [InlineData("AC028100", DlmsErrorReason.Malformed, 4)] // bit string without unused-bits octet
    [InlineData("AC03810108", DlmsErrorReason.Malformed, 4)] // 8 unused bits
    [InlineData("AC03810101", DlmsErrorReason.Malformed, 4)] // unused bits but no bits
    [InlineData("AC04A2020405", DlmsErrorReason.LengthOutOfRange, 5)] // external component longer than present
    [InlineData("AC0480008000", DlmsErrorReason.Malformed, 4)] // two alternatives
    [InlineData("AC0A8008313233", DlmsErrorReason.LengthOutOfRange, 1)]
    public void Read_Malformed_ThrowsWithOffset(string hex, DlmsErrorReason reason, int offset)
    {
        var bytes = Convert.FromHexString(hex);
        var e = Assert.Throws<DlmsFormatException>(() =>
        {
            var reader = new BerReader(bytes);
            AuthenticationValue.Read(ref reader, BerTag.ContextSpecific(12, isConstructed: true));
        });
        Assert.Equal(reason, e.Reason);
        Assert.Equal(offset, e.Offset);
    }

    [Fact]
    public void ToString_NeverShowsTheValue()
    {
        var value = AuthenticationValue.CharString("secret-password"u8);
        var text = value.ToString();

        Assert.Equal("AuthenticationValue { Kind = CharString, Length = 15, Value = <redacted> }", text);
    }

    [Fact]
    public void Equals_ComparesKindUnusedBitsAndContents()
    {
        var a = AuthenticationValue.CharString([1, 2, 3]);

        Assert.Equal(a, AuthenticationValue.CharString([1, 2, 3]));
        Assert.Equal(a.GetHashCode(), AuthenticationValue.CharString([1, 2, 3]).GetHashCode());
        Assert.NotEqual(a, AuthenticationValue.CharString([1, 2, 4]));
        Assert.NotEqual(a, AuthenticationValue.CharString([1, 2]));
        Assert.NotEqual(a, AuthenticationValue.BitString([1, 2, 3]));
        Assert.NotEqual(AuthenticationValue.BitString([0x80], 7), AuthenticationValue.BitString([0x80], 6));
    }

    [Fact]
    public void Factories_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AuthenticationValue.BitString([0], 8));
        Assert.Throws<ArgumentException>(() => AuthenticationValue.BitString([], 1));
        Assert.Throws<ArgumentException>(() => AuthenticationValue.External([0x04, 0x05, 0x00]));
        Assert.Throws<ArgumentException>(() => AuthenticationValue.Other([0x80]));
    }

    [Fact]
    public void CharString_CopiesTheCallersBytes()
    {
        byte[] password = [1, 2, 3];
        var value = AuthenticationValue.CharString(password);
        password[0] = 9;

        Assert.Equal(1, value.Value.Span[0]);
    }
}
