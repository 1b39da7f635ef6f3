using Meterline.Dlms.Axdr;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Tests.Security;

public class GeneralSigningTests
{
    private static readonly byte[] TransactionId = Convert.FromHexString("0000000000000001");
    private static readonly byte[] Content = Convert.FromHexString(GreenBookVectors.V1);

    [Fact]
    public void Sign_ThenVerify_SucceedsWithOriginatorKey()
    {
        using var key = EcdsaP256.GenerateKeyPair();

        var apdu = Sign(key);

        Assert.Equal(64, apdu.Signature.Length);
        Assert.True(apdu.VerifySignature(key));
        apdu.EnsureSignatureValid(key);
    }

    [Fact]
    public void GetSignedData_IsHeaderFieldsWithLengthsThenContentValue()
    {
        using var key = EcdsaP256.GenerateKeyPair();
        var apdu = Sign(key);

        var expected =
            "080000000000000001" + "084D4D4D0000000001" + "084D4D4D0000BC614E" + "00" + "00" + GreenBookVectors.V1;
        Assert.Equal(expected, Convert.ToHexString(apdu.GetSignedData()));
        Assert.True(EcdsaP256.Verify(key, Convert.FromHexString(expected), apdu.Signature.Span));
    }

    [Fact]
    public void Encode_ThenRead_GivesSameApduAndBytes()
    {
        using var key = EcdsaP256.GenerateKeyPair();
        var apdu = Sign(key);
        var bytes = apdu.ToArray();

        Assert.Equal(
            "DF" + "080000000000000001" + "084D4D4D0000000001" + "084D4D4D0000BC614E" + "00" + "00" + "20" + GreenBookVectors.V1 + "40" + Convert.ToHexString(apdu.Signature.Span),
            Convert.ToHexString(bytes));
        var reader = new AxdrReader(bytes);
        var read = GeneralSigning.Read(ref reader);
        reader.EnsureAtEnd();
        Assert.Equal(apdu, read);
        Assert.True(read.VerifySignature(key));
    }

    [Fact]
    public void VerifySignature_AnyFieldChanged_IsFalse()
    {
        using var key = EcdsaP256.GenerateKeyPair();
        var apdu = Sign(key);
        var otherContent = (byte[])Content.Clone();
        otherContent[^1] ^= 1;

        GeneralSigning[] altered =
        [
            new(new byte[] { 0, 0, 0, 0, 0, 0, 0, 2 }, apdu.OriginatorSystemTitle, apdu.RecipientSystemTitle, apdu.DateTime, apdu.OtherInformation, apdu.Content, apdu.Signature),
            new(apdu.TransactionId, GreenBookVectors.ServerSystemTitle, apdu.RecipientSystemTitle, apdu.DateTime, apdu.OtherInformation, apdu.Content, apdu.Signature),
            new(apdu.TransactionId, apdu.OriginatorSystemTitle, null, apdu.DateTime, apdu.OtherInformation, apdu.Content, apdu.Signature),
            new(apdu.TransactionId, apdu.OriginatorSystemTitle, apdu.RecipientSystemTitle, new byte[] { 1 }, apdu.OtherInformation, apdu.Content, apdu.Signature),
            new(apdu.TransactionId, apdu.OriginatorSystemTitle, apdu.RecipientSystemTitle, apdu.DateTime, new byte[] { 1 }, apdu.Content, apdu.Signature),
            new(apdu.TransactionId, apdu.OriginatorSystemTitle, apdu.RecipientSystemTitle, apdu.DateTime, apdu.OtherInformation, otherContent, apdu.Signature),
        ];

        foreach (var candidate in altered)
        {
            Assert.False(candidate.VerifySignature(key));
            AesGcmCipherTests.AssertSecurityError(DlmsErrorReason.AuthenticationFailed, () => candidate.EnsureSignatureValid(key));
        }
    }

    [Fact]
    public void VerifySignature_WrongKey_IsFalse()
    {
        using var key = EcdsaP256.GenerateKeyPair();
        using var other = EcdsaP256.GenerateKeyPair();

        Assert.False(Sign(key).VerifySignature(other));
    }

    [Fact]
    public void Read_EmptyOriginator_ThrowsMalformed()
    {
        var reader = new AxdrReader(Convert.FromHexString("DF0000000000000000"));
        DlmsFormatException? caught = null;
        try
        {
            GeneralSigning.Read(ref reader);
        }
        catch (DlmsFormatException ex)
        {
            caught = ex;
        }

        Assert.NotNull(caught);
        Assert.Equal(DlmsErrorReason.Malformed, caught.Reason);
        Assert.Equal(2, caught.Offset);
    }

    [Fact]
    public void Read_SignatureMissing_ThrowsTruncated()
    {
        var reader = new AxdrReader(Convert.FromHexString("DF00084D4D4D0000000001000000" + "01C0"));
        DlmsFormatException? caught = null;
        try
        {
            GeneralSigning.Read(ref reader);
        }
        catch (DlmsFormatException ex)
        {
            caught = ex;
        }

        Assert.NotNull(caught);
        Assert.Equal(DlmsErrorReason.Truncated, caught.Reason);
        Assert.Equal(16, caught.Offset);
    }

    private static GeneralSigning Sign(System.Security.Cryptography.ECDsa key) =>
        GeneralSigning.Sign(key, TransactionId, GreenBookVectors.ClientSystemTitle, GreenBookVectors.ServerSystemTitle, default, default, Content);
}
