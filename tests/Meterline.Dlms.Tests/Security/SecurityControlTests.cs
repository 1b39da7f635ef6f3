using Meterline.Dlms.Security;

namespace Meterline.Dlms.Tests.Security;

public class SecurityControlTests
{
    [Theory]
    // Green Book Table 37: bits 0-3 suite, 4 authentication, 5 encryption, 6 key set, 7 compression.
    [InlineData(0x10, 0, true, false, false, false)]
    [InlineData(0x20, 0, false, true, false, false)]
    [InlineData(0x30, 0, true, true, false, false)]
    [InlineData(0x31, 1, true, true, false, false)]
    [InlineData(0x70, 0, true, true, true, false)]
    [InlineData(0xB0, 0, true, true, false, true)]
    [InlineData(0x0F, 15, false, false, false, false)]
    public void Properties_SecurityControlByte_DecodeItsBits(byte value, int suite, bool authenticated, bool encrypted, bool broadcast, bool compressed)
    {
        var sc = new SecurityControl(value);

        Assert.Equal(suite, sc.SuiteId);
        Assert.Equal(authenticated, sc.IsAuthenticated);
        Assert.Equal(encrypted, sc.IsEncrypted);
        Assert.Equal(broadcast, sc.UsesBroadcastKey);
        Assert.Equal(compressed, sc.IsCompressed);
        Assert.Equal(suite <= 2, sc.IsDefinedSuite);
        Assert.Equal(authenticated || encrypted, sc.IsProtected);
        Assert.Equal(sc, SecurityControl.Create((SecuritySuite)suite, authenticated, encrypted, broadcast, compressed));
    }

    [Fact]
    public void NamedValues_AreTheSuite0Bytes()
    {
        Assert.Equal(0x10, SecurityControl.AuthenticationOnly.Value);
        Assert.Equal(0x20, SecurityControl.EncryptionOnly.Value);
        Assert.Equal(0x30, SecurityControl.AuthenticatedEncryption.Value);
    }

    [Fact]
    public void EncodeDecode_RoundTrip_GivesSameByte()
    {
        var sc = new SecurityControl(0x31);
        var buffer = new byte[1];

        Assert.Equal(1, sc.GetEncodedLength());
        Assert.True(sc.TryEncode(buffer, out var written));
        Assert.Equal(1, written);
        Assert.Equal(sc, SecurityControl.Decode(buffer, out var consumed));
        Assert.Equal(1, consumed);
        Assert.Equal([0x31], sc.Encode());
    }

    [Fact]
    public void Decode_Empty_ThrowsTruncatedAtZero()
    {
        Assert.False(SecurityControl.TryDecode([], out _, out var consumed));
        Assert.Equal(0, consumed);
        var ex = Assert.Throws<DlmsFormatException>(() => SecurityControl.Decode([], out _));
        Assert.Equal(DlmsErrorReason.Truncated, ex.Reason);
        Assert.Equal(0, ex.Offset);
    }

    [Fact]
    public void TryEncode_EmptyDestination_ReturnsFalse()
    {
        Assert.False(new SecurityControl(0x30).TryEncode([], out var written));
        Assert.Equal(0, written);
    }

    [Fact]
    public void ToString_NamesTheProtection()
    {
        Assert.Equal("SC 0x30 (authenticated encryption, suite 0)", SecurityControl.AuthenticatedEncryption.ToString());
        Assert.Equal("SC 0x51 (authentication only, suite 1, broadcast key)", new SecurityControl(0x51).ToString());
    }

    [Fact]
    public void SecurityHeader_DecodeV1Header_GivesControlAndCounter()
    {
        var header = SecurityHeader.Decode(Convert.FromHexString("3001234567411312"), out var consumed);

        Assert.Equal(5, consumed);
        Assert.Equal(SecurityControl.AuthenticatedEncryption, header.SecurityControl);
        Assert.Equal(0x01234567u, header.InvocationCounter);
        Assert.Equal("3001234567", Convert.ToHexString(header.Encode()));
    }

    [Fact]
    public void SecurityHeader_Truncated_ThrowsAtEnd()
    {
        var ex = Assert.Throws<DlmsFormatException>(() => SecurityHeader.Decode([0x30, 0x01], out _));

        Assert.Equal(DlmsErrorReason.Truncated, ex.Reason);
        Assert.Equal(2, ex.Offset);
    }
}
