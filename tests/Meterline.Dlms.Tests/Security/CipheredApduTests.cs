using Meterline.Dlms.Axdr;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Tests.Security;

public class CipheredApduTests
{
    [Theory]
    [InlineData(GreenBookVectors.V1)]
    [InlineData(GreenBookVectors.V2)]
    [InlineData(GreenBookVectors.V3)]
    [InlineData(GreenBookVectors.V4)]
    public void Read_PublishedVector_ReEncodesToSameBytes(string hex)
    {
        var apdu = AesGcmCipherTests.ReadCiphered(hex);

        Assert.Equal(hex, Convert.ToHexString(apdu.ToArray()));
    }

    [Fact]
    public void Read_V1_ExposesTagsAndContent()
    {
        var apdu = AesGcmCipherTests.ReadCiphered(GreenBookVectors.V1);

        Assert.Equal(0xC8, apdu.Tag);
        Assert.Equal(0xC0, apdu.PlainTag);
        Assert.False(apdu.IsDedicated);
        Assert.Equal(30, apdu.CipheredContent.Length);
    }

    [Fact]
    public void Read_NotACipheredTag_ThrowsUnknownTagAtZero()
    {
        var reader = new AxdrReader(Convert.FromHexString("C0010000"));
        DlmsFormatException? caught = null;
        try
        {
            CipheredApdu.Read(ref reader);
        }
        catch (DlmsFormatException ex)
        {
            caught = ex;
        }

        Assert.NotNull(caught);
        Assert.Equal(DlmsErrorReason.UnknownTag, caught.Reason);
        Assert.Equal(0, caught.Offset);
        Assert.Equal(0, reader.Position);
    }

    [Fact]
    public void Read_LengthBeyondTheBytesPresent_ThrowsLengthOutOfRangeAtOne()
    {
        var ex = ReadError("C81F3001234567411312FF935A47566827C467BC7D825C3BE4A77C3FCC056B6B");

        Assert.Equal(DlmsErrorReason.LengthOutOfRange, ex.Reason);
        Assert.Equal(1, ex.Offset);
    }

    [Fact]
    public void Read_HugeLengthField_ThrowsWithoutAllocating()
    {
        var ex = ReadError("C884FFFFFFF0");

        Assert.Equal(DlmsErrorReason.LengthOutOfRange, ex.Reason);
        Assert.Equal(1, ex.Offset);
    }

    [Fact]
    public void Read_TagOnly_ThrowsTruncatedAtOne()
    {
        var ex = ReadError("C8");

        Assert.Equal(DlmsErrorReason.Truncated, ex.Reason);
        Assert.Equal(1, ex.Offset);
    }

    [Fact]
    public void Equals_SameContentInDifferentArrays_IsTrue()
    {
        var first = new CipheredApdu(0xC8, Convert.FromHexString("3001234567"));
        var second = new CipheredApdu(0xC8, Convert.FromHexString("3001234567"));

        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        Assert.NotEqual(first, new CipheredApdu(0xD0, Convert.FromHexString("3001234567")));
        Assert.NotEqual(first, new CipheredApdu(0xC8, Convert.FromHexString("3001234568")));
    }

    [Fact]
    public void Constructor_PlainTag_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => new CipheredApdu(0xC0, Array.Empty<byte>()));
    }

    [Fact]
    public void Protect_Dedicated_UsesDedTag()
    {
        using var cipher = GreenBookVectors.CreateCipher();

        var apdu = CipheredApdu.Protect(
            cipher, SecurityControl.AuthenticatedEncryption, GreenBookVectors.ServerSystemTitle, 1, Convert.FromHexString(GreenBookVectors.GetRequestHex), dedicated: true);

        Assert.Equal(CipheredApduTags.DedGetRequest, apdu.Tag);
        Assert.True(apdu.IsDedicated);
    }

    [Fact]
    public void Protect_ApduWithoutCipheredForm_ThrowsArgumentException()
    {
        using var cipher = GreenBookVectors.CreateCipher();

        Assert.Throws<ArgumentException>(() => CipheredApdu.Protect(
            cipher, SecurityControl.AuthenticatedEncryption, GreenBookVectors.ServerSystemTitle, 1, [0x0F, 0x00]));
    }

    [Fact]
    public void Unprotect_PlainTagDoesNotMatchCipheredTag_ThrowsMalformed()
    {
        using var cipher = GreenBookVectors.CreateCipher();
        var content = cipher.Protect(
            SecurityControl.AuthenticatedEncryption, GreenBookVectors.ServerSystemTitle, 1, Convert.FromHexString(GreenBookVectors.GetRequestHex));
        var apdu = new CipheredApdu(CipheredApduTags.GloGetResponse, content);

        var ex = Assert.Throws<DlmsFormatException>(() => apdu.Unprotect(cipher, GreenBookVectors.ServerSystemTitle));

        Assert.Equal(DlmsErrorReason.Malformed, ex.Reason);
        Assert.Equal(0, ex.Offset);
    }

    private static DlmsFormatException ReadError(string hex)
    {
        var reader = new AxdrReader(Convert.FromHexString(hex));
        try
        {
            CipheredApdu.Read(ref reader);
        }
        catch (DlmsFormatException ex)
        {
            return ex;
        }

        throw new Xunit.Sdk.XunitException("No DlmsFormatException");
    }
}
