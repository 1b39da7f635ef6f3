using Meterline.Dlms.Security;

namespace Meterline.Dlms.Tests.Security;

public class SecuredApduViewTests
{
    // V1 (test-vectors.md): glo-get-request, A+E, IC 01234567.
    private const string V1 = "C81E3001234567411312FF935A47566827C467BC7D825C3BE4A77C3FCC056B6B";

    [Fact]
    public void TryRead_ServiceSpecificCiphering_GivesHeaderAndContentWithoutSystemTitle()
    {
        var bytes = Convert.FromHexString(V1);
        Assert.True(SecuredApduView.TryRead(bytes, out var view));
        Assert.Equal(0xC8, view.Tag);
        Assert.Null(view.SystemTitle);
        Assert.False(view.IsDedicated);
        Assert.Equal(0x30, view.Header.SecurityControl.Value);
        Assert.Equal(0x01234567u, view.Header.InvocationCounter);
        Assert.Equal(bytes.AsSpan(2).ToArray(), view.CipheredContent.ToArray());
    }

    [Fact]
    public void TryRead_GeneralGloCiphering_GivesTheSender()
    {
        var content = Convert.FromHexString(V1)[2..];
        var apdu = new GeneralGloCiphering(SystemTitle.Parse("4D4D4D0000BC614E"), content).ToArray();
        Assert.True(SecuredApduView.TryRead(apdu, out var view));
        Assert.Equal(SystemTitle.Parse("4D4D4D0000BC614E"), view.SystemTitle);
        Assert.Equal(0x01234567u, view.Header.InvocationCounter);
        Assert.Equal(content, view.CipheredContent.ToArray());
        using var cipher = new AesGcmCipher(
            CipherKey.FromBytes(Convert.FromHexString("000102030405060708090A0B0C0D0E0F")),
            CipherKey.FromBytes(Convert.FromHexString("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF")));
        Span<byte> plain = stackalloc byte[64];
        Assert.True(cipher.TryUnprotect(view.CipheredContent, view.SystemTitle!.Value, plain, out var written));
        Assert.Equal("C0010000080000010000FF0200", Convert.ToHexString(plain[..written]));
    }

    [Theory]
    [InlineData("C0010000080000010000FF0200")]
    [InlineData("0F00000001000000")]
    [InlineData("")]
    public void TryRead_NotAProtectedApdu_ReturnsFalse(string hex)
    {
        Assert.False(SecuredApduView.TryRead(Convert.FromHexString(hex), out _));
    }

    [Theory]
    [InlineData("C81F3001234567", DlmsErrorReason.LengthOutOfRange)]
    [InlineData("C803300123", DlmsErrorReason.Truncated)]
    [InlineData("C80530012345670000", DlmsErrorReason.Malformed)]
    [InlineData("DB0401020304053001234567", DlmsErrorReason.Malformed)]
    [InlineData("DB84FFFFFFFF", DlmsErrorReason.LengthOutOfRange)]
    public void TryRead_ProtectedApduWithBadLengths_ThrowsWithOffset(string hex, DlmsErrorReason reason)
    {
        var bytes = Convert.FromHexString(hex);
        var e = Assert.Throws<DlmsFormatException>(() => SecuredApduView.TryRead(bytes, out _));
        Assert.Equal(reason, e.Reason);
        Assert.InRange(e.Offset, 0, bytes.Length);
    }
}
