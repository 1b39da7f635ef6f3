using System.Text;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Tests.Security;

public class EcdsaP256Tests
{
    // RFC 6979 A.2.5 (ECDSA, 256 bits, prime field): private key, public key and the SHA-256 signature of "sample".
    private const string PrivateKeyHex = "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721";
    private const string PublicKeyHex =
        "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6" +
        "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299";
    private const string SampleSignatureHex =
        "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716" +
        "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8";

    private static readonly byte[] Sample = Encoding.ASCII.GetBytes("sample");

    [Fact]
    public void ImportPrivateKey_Rfc6979Key_DerivesPublishedPublicKey()
    {
        using var key = EcdsaP256.ImportPrivateKey(Convert.FromHexString(PrivateKeyHex));

        Assert.Equal(PublicKeyHex, Convert.ToHexString(EcdsaP256.ExportPublicKey(key)));
    }

    [Fact]
    public void Verify_Rfc6979SampleSignature_IsTrue()
    {
        using var key = EcdsaP256.ImportPublicKey(Convert.FromHexString(PublicKeyHex));

        Assert.True(EcdsaP256.Verify(key, Sample, Convert.FromHexString(SampleSignatureHex)));
    }

    [Fact]
    public void Verify_Rfc6979SampleSignatureWithAnyBitFlipped_IsFalse()
    {
        using var key = EcdsaP256.ImportPublicKey(Convert.FromHexString(PublicKeyHex));
        var original = Convert.FromHexString(SampleSignatureHex);

        for (var bit = 0; bit < original.Length * 8; bit++)
        {
            var signature = (byte[])original.Clone();
            signature[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(EcdsaP256.Verify(key, Sample, signature), $"bit {bit}");
        }
    }

    [Fact]
    public void Verify_OtherMessage_IsFalse()
    {
        using var key = EcdsaP256.ImportPublicKey(Convert.FromHexString(PublicKeyHex));

        Assert.False(EcdsaP256.Verify(key, Encoding.ASCII.GetBytes("test"), Convert.FromHexString(SampleSignatureHex)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(63)]
    [InlineData(65)]
    [InlineData(72)]
    public void Verify_SignatureOfWrongLength_IsFalse(int length)
    {
        using var key = EcdsaP256.ImportPublicKey(Convert.FromHexString(PublicKeyHex));

        Assert.False(EcdsaP256.Verify(key, Sample, new byte[length]));
    }

    [Fact]
    public void Sign_ThenVerify_Is64BytesAndVerifies()
    {
        using var key = EcdsaP256.ImportPrivateKey(Convert.FromHexString(PrivateKeyHex));

        var signature = EcdsaP256.Sign(key, Sample);

        Assert.Equal(EcdsaP256.SignatureLength, signature.Length);
        using var publicKey = EcdsaP256.ImportPublicKey(Convert.FromHexString(PublicKeyHex));
        Assert.True(EcdsaP256.Verify(publicKey, Sample, signature));
    }

    [Fact]
    public void ImportPublicKey_PointNotOnCurve_ThrowsInvalidKey()
    {
        var point = Convert.FromHexString(PublicKeyHex);
        point[^1] ^= 1;

        AesGcmCipherTests.AssertSecurityError(DlmsErrorReason.InvalidKey, () => EcdsaP256.ImportPublicKey(point));
    }

    [Theory]
    [InlineData(63)]
    [InlineData(65)]
    public void ImportPublicKey_WrongLength_ThrowsInvalidKey(int length)
    {
        AesGcmCipherTests.AssertSecurityError(DlmsErrorReason.InvalidKey, () => EcdsaP256.ImportPublicKey(new byte[length]));
    }

    [Theory]
    [InlineData("00")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551")] // n, the group order
    public void ImportPrivateKey_Invalid_ThrowsInvalidKey(string hex)
    {
        AesGcmCipherTests.AssertSecurityError(DlmsErrorReason.InvalidKey, () => EcdsaP256.ImportPrivateKey(Convert.FromHexString(hex)));
    }

    [Fact]
    public void Sign_KeyOnAnotherCurve_ThrowsInvalidKey()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP384);

        AesGcmCipherTests.AssertSecurityError(DlmsErrorReason.InvalidKey, () => EcdsaP256.Sign(key, Sample));
    }
}
