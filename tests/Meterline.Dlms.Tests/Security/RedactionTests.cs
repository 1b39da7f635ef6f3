using System.Text;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Tests.Security;

public class RedactionTests
{
    [Fact]
    public void FailureMessages_NeverContainKeysOrPlaintext()
    {
        using var cipher = GreenBookVectors.CreateCipher();
        var content = AesGcmCipherTests.ReadCiphered(GreenBookVectors.V1).CipheredContent.ToArray();
        content[^1] ^= 1;
        var messages = new List<string>
        {
            Assert.Throws<DlmsSecurityException>(() => cipher.Unprotect(content, GreenBookVectors.ServerSystemTitle)).Message,
            Assert.Throws<DlmsSecurityException>(() => AesKeyWrap.UnwrapKey(CipherKey.Generate(), new byte[24])).Message,
            Assert.Throws<DlmsSecurityException>(() => CipherKey.FromBytes(Convert.FromHexString("D0D1D2D3D4D5D6D7D8D9DADBDCDDDE"))).Message,
            Assert.Throws<DlmsSecurityException>(() => HlsGmac.VerifyResponse(cipher, GreenBookVectors.ClientSystemTitle, [1, 2, 3, 4, 5, 6, 7, 8], new byte[17])).Message,
        };

        foreach (var message in messages)
        {
            foreach (var secret in new[] { GreenBookVectors.EncryptionKeyHex, GreenBookVectors.AuthenticationKeyHex, "D0D1D2", GreenBookVectors.GetRequestHex, "C001" })
            {
                Assert.DoesNotContain(secret, message, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public void ToString_SecretHolders_PrintNoSecretBytes()
    {
        var key = CipherKey.FromBytes(Convert.FromHexString(GreenBookVectors.AuthenticationKeyHex));
        var password = LlsPassword.FromBytes(Encoding.ASCII.GetBytes("Secret-1"));
        using var cipher = GreenBookVectors.CreateCipher();

        Assert.DoesNotContain("D0D1", key.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Secret", password.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("D0D1", cipher.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ToString_SignedApduAroundPlaintext_PrintsLengthsNotBytes()
    {
        // A general-signing APDU recovered from inside a general-ciphering APDU holds decrypted plaintext.
        var apdu = new GeneralSigning(
            default, GreenBookVectors.ClientSystemTitle, null, default, default, Convert.FromHexString("C3014100460000600300FF0101"), new byte[64]);

        var text = apdu.ToString();

        Assert.DoesNotContain("C301", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("195", text, StringComparison.Ordinal); // 0xC3 as a decimal byte list
    }
}
