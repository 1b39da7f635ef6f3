using Meterline.Dlms.Security;

namespace Meterline.Dlms.Tests.Security;

public class AesKeyWrapTests
{
    private const string Kek256 = "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F";

    public static TheoryData<string, string, string> Rfc3394Vectors => new()
    {
        // RFC 3394 §4.1: 128 bits of key data, 128-bit KEK (also V7 in test-vectors.md).
        { "000102030405060708090A0B0C0D0E0F", "00112233445566778899AABBCCDDEEFF", "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5" },
        // §4.2: 128 bits, 192-bit KEK.
        { "000102030405060708090A0B0C0D0E0F1011121314151617", "00112233445566778899AABBCCDDEEFF", "96778B25AE6CA435F92B5B97C050AED2468AB8A17AD84E5D" },
        // §4.3: 128 bits, 256-bit KEK.
        { Kek256, "00112233445566778899AABBCCDDEEFF", "64E8C3F9CE0F5BA263E9777905818A2A93C8191E7D6E8AE7" },
        // §4.4: 192 bits, 192-bit KEK.
        { "000102030405060708090A0B0C0D0E0F1011121314151617", "00112233445566778899AABBCCDDEEFF0001020304050607", "031D33264E15D33268F24EC260743EDCE1C6C7DDEE725A936BA814915C6762D2" },
        // §4.5: 192 bits, 256-bit KEK.
        { Kek256, "00112233445566778899AABBCCDDEEFF0001020304050607", "A8F9BC1612C68B3FF6E6F4FBE30E71E4769C8B80A32CB8958CD5D17D6B254DA1" },
        // §4.6: 256 bits, 256-bit KEK.
        { Kek256, "00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F", "28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21" },
    };

    [Theory]
    [MemberData(nameof(Rfc3394Vectors))]
    public void Wrap_Rfc3394Vector_GivesPublishedCiphertext(string kek, string keyData, string wrapped)
    {
        Assert.Equal(wrapped, Convert.ToHexString(AesKeyWrap.Wrap(Convert.FromHexString(kek), Convert.FromHexString(keyData))));
    }

    [Theory]
    [MemberData(nameof(Rfc3394Vectors))]
    public void Unwrap_Rfc3394Vector_GivesKeyData(string kek, string keyData, string wrapped)
    {
        Assert.Equal(keyData, Convert.ToHexString(AesKeyWrap.Unwrap(Convert.FromHexString(kek), Convert.FromHexString(wrapped))));
    }

    [Fact]
    public void WrapKey_V7_GivesPublishedBytesAndUnwrapsToSameKey()
    {
        var kek = CipherKey.FromBytes(Convert.FromHexString("000102030405060708090A0B0C0D0E0F"));
        var key = CipherKey.FromBytes(Convert.FromHexString("00112233445566778899AABBCCDDEEFF"));

        var wrapped = AesKeyWrap.WrapKey(kek, key);

        Assert.Equal("1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5", Convert.ToHexString(wrapped));
        Assert.Equal(key, AesKeyWrap.UnwrapKey(kek, wrapped));
        Assert.Equal(wrapped, AesKeyWrap.Wrap(kek, Convert.FromHexString("00112233445566778899AABBCCDDEEFF")));
    }

    [Fact]
    public void UnwrapKey_V7WithAnotherKek_ThrowsAuthenticationFailed()
    {
        var otherKek = CipherKey.FromBytes(Convert.FromHexString("000102030405060708090A0B0C0D0E0E"));

        AesGcmCipherTests.AssertSecurityError(
            DlmsErrorReason.AuthenticationFailed,
            () => AesKeyWrap.UnwrapKey(otherKek, Convert.FromHexString("1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5")));
    }

    [Fact]
    public void Unwrap_V7WithAnyBitFlipped_ThrowsAuthenticationFailed()
    {
        var kek = CipherKey.FromBytes(Convert.FromHexString("000102030405060708090A0B0C0D0E0F"));
        var original = Convert.FromHexString("1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5");

        for (var bit = 0; bit < original.Length * 8; bit++)
        {
            var wrapped = (byte[])original.Clone();
            wrapped[bit / 8] ^= (byte)(1 << (bit % 8));
            AesGcmCipherTests.AssertSecurityError(DlmsErrorReason.AuthenticationFailed, () => AesKeyWrap.Unwrap(kek, wrapped));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(23)]
    [InlineData(25)]
    public void Unwrap_NotThreeOrMoreSemiblocks_ThrowsLengthOutOfRange(int length)
    {
        var kek = CipherKey.Generate();

        var ex = Assert.Throws<DlmsFormatException>(() => AesKeyWrap.Unwrap(kek, new byte[length]));

        Assert.Equal(DlmsErrorReason.LengthOutOfRange, ex.Reason);
        Assert.Equal(0, ex.Offset);
    }

    [Fact]
    public void UnwrapKey_WrappedLongerThanA128BitKey_ThrowsLengthOutOfRange()
    {
        var ex = Assert.Throws<DlmsFormatException>(() => AesKeyWrap.UnwrapKey(CipherKey.Generate(), new byte[32]));

        Assert.Equal(DlmsErrorReason.LengthOutOfRange, ex.Reason);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(20)]
    public void Wrap_KeyDataNotTwoOrMoreSemiblocks_ThrowsArgumentException(int length)
    {
        Assert.Throws<ArgumentException>(() => AesKeyWrap.Wrap(CipherKey.Generate(), new byte[length]));
    }

    [Fact]
    public void WrapKey_RandomKeys_RoundTrip()
    {
        var kek = CipherKey.Generate();
        var key = CipherKey.Generate();

        Assert.Equal(key, AesKeyWrap.UnwrapKey(kek, AesKeyWrap.WrapKey(kek, key)));
    }
}
