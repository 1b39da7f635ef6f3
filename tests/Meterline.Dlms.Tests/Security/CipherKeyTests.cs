using Meterline.Dlms.Security;

namespace Meterline.Dlms.Tests.Security;

public class CipherKeyTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(17)]
    [InlineData(32)]
    public void FromBytes_NotSixteenBytes_ThrowsInvalidKey(int length)
    {
        var ex = Assert.Throws<DlmsSecurityException>(() => CipherKey.FromBytes(new byte[length]));

        Assert.Equal(DlmsErrorReason.InvalidKey, ex.Reason);
    }

    [Fact]
    public void FromBytes_SourceChangedAfterwards_KeyIsUnchanged()
    {
        var source = Convert.FromHexString("0F0E0D0C0B0A09080706050403020100");
        var key = CipherKey.FromBytes(source);
        source[0] ^= 0xFF;

        var copy = new byte[CipherKey.Length];
        key.CopyTo(copy);
        Assert.Equal("0F0E0D0C0B0A09080706050403020100", Convert.ToHexString(copy));
    }

    [Theory]
    [InlineData(GreenBookVectors.EncryptionKeyHex)]
    [InlineData(GreenBookVectors.AuthenticationKeyHex)]
    [InlineData(GreenBookVectors.DedicatedKeyHex)]
    public void IsPublishedTestKey_GreenBookKeys_IsTrueAndRefused(string hex)
    {
        var key = CipherKey.FromBytes(Convert.FromHexString(hex));

        Assert.True(key.IsPublishedTestKey);
        var ex = Assert.Throws<DlmsSecurityException>(key.ThrowIfPublishedTestKey);
        Assert.Equal(DlmsErrorReason.InvalidKey, ex.Reason);
        Assert.DoesNotContain(hex, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Generate_TwoKeys_DifferAndAreNotPublished()
    {
        var first = CipherKey.Generate();
        var second = CipherKey.Generate();

        Assert.NotEqual(first, second);
        Assert.False(first.IsPublishedTestKey);
        first.ThrowIfPublishedTestKey();
    }

    [Fact]
    public void Equals_SameBytes_IsTrueWithSameHash()
    {
        var first = CipherKey.FromBytes(Convert.FromHexString(GreenBookVectors.EncryptionKeyHex));
        var second = CipherKey.FromBytes(Convert.FromHexString(GreenBookVectors.EncryptionKeyHex));

        Assert.True(first.Equals(second));
        Assert.True(first.Equals((object)second));
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        Assert.False(first.Equals(null));
        Assert.False(first.Equals(CipherKey.FromBytes(Convert.FromHexString(GreenBookVectors.AuthenticationKeyHex))));
    }

    [Fact]
    public void ToString_NeverShowsTheKey()
    {
        var key = CipherKey.FromBytes(Convert.FromHexString(GreenBookVectors.AuthenticationKeyHex));

        var text = key.ToString();

        Assert.DoesNotContain("D0D1", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("redacted", text, StringComparison.Ordinal);
    }

    [Fact]
    public void CopyTo_ShortDestination_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => CipherKey.Generate().CopyTo(new byte[15]));
    }
}
