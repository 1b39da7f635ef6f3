using Meterline.Dlms.Axdr;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Tests.Security;

public class GeneralGloCipheringTests
{
    // The V1 ciphered content carried in general-glo-ciphering: DB ‖ 08 ‖ ST_S ‖ 1E ‖ SC ‖ IC ‖ C ‖ T.
    private const string V1Content = "3001234567411312FF935A47566827C467BC7D825C3BE4A77C3FCC056B6B";
    private const string GeneralGloV1 = "DB084D4D4D0000BC614E1E" + V1Content;

    [Fact]
    public void Protect_GreenBookGetRequest_CarriesSystemTitleAndV1Content()
    {
        using var cipher = GreenBookVectors.CreateCipher();

        var apdu = GeneralGloCiphering.Protect(
            cipher,
            SecurityControl.AuthenticatedEncryption,
            GreenBookVectors.ServerSystemTitle,
            GreenBookVectors.ServerInvocationCounter,
            Convert.FromHexString(GreenBookVectors.GetRequestHex));

        Assert.Equal(GeneralGloV1, Convert.ToHexString(apdu.ToArray()));
    }

    [Fact]
    public void Read_ThenUnprotect_GivesGetRequestAndReEncodes()
    {
        using var cipher = GreenBookVectors.CreateCipher();
        var apdu = ReadGlo(GeneralGloV1);

        Assert.Equal(GreenBookVectors.ServerSystemTitle, apdu.SystemTitle);
        Assert.Equal(GreenBookVectors.GetRequestHex, Convert.ToHexString(apdu.Unprotect(cipher)));
        Assert.Equal(GeneralGloV1, Convert.ToHexString(apdu.ToArray()));
    }

    [Fact]
    public void Read_EmptySystemTitle_NeedsTheKnownSender()
    {
        using var cipher = GreenBookVectors.CreateCipher();
        var apdu = ReadGlo("DB001E" + V1Content);

        Assert.Null(apdu.SystemTitle);
        AesGcmCipherTests.AssertSecurityError(DlmsErrorReason.InvalidState, () => apdu.Unprotect(cipher));
        Assert.Equal(GreenBookVectors.GetRequestHex, Convert.ToHexString(apdu.Unprotect(cipher, GreenBookVectors.ServerSystemTitle)));
    }

    [Fact]
    public void Unprotect_KnownSenderDiffersFromCarried_ThrowsPolicyViolation()
    {
        using var cipher = GreenBookVectors.CreateCipher();
        var apdu = ReadGlo(GeneralGloV1);

        AesGcmCipherTests.AssertSecurityError(
            DlmsErrorReason.SecurityPolicyViolation, () => apdu.Unprotect(cipher, GreenBookVectors.ClientSystemTitle));
    }

    [Fact]
    public void Read_SystemTitleOfFiveBytes_ThrowsMalformedAtTheField()
    {
        var reader = new AxdrReader(Convert.FromHexString("DB054D4D4D00000100"));
        var ex = Capture(ref reader);

        Assert.Equal(DlmsErrorReason.Malformed, ex.Reason);
        Assert.Equal(1, ex.Offset);
    }

    [Fact]
    public void Read_WrongTag_ThrowsUnknownTag()
    {
        var reader = new AxdrReader(Convert.FromHexString("DC00050000000000"));
        var ex = Capture(ref reader);

        Assert.Equal(DlmsErrorReason.UnknownTag, ex.Reason);
        Assert.Equal(0, ex.Offset);
    }

    [Fact]
    public void GeneralDedCiphering_RoundTrip_UsesTagDC()
    {
        using var cipher = GreenBookVectors.CreateCipher();
        var apdu = GeneralDedCiphering.Protect(
            cipher, SecurityControl.AuthenticatedEncryption, GreenBookVectors.ServerSystemTitle, GreenBookVectors.ServerInvocationCounter, Convert.FromHexString(GreenBookVectors.GetRequestHex));
        var bytes = apdu.ToArray();

        Assert.Equal("DC084D4D4D0000BC614E1E" + V1Content, Convert.ToHexString(bytes));
        var reader = new AxdrReader(bytes);
        var read = GeneralDedCiphering.Read(ref reader);
        reader.EnsureAtEnd();
        Assert.Equal(apdu, read);
        Assert.Equal(GreenBookVectors.GetRequestHex, Convert.ToHexString(read.Unprotect(cipher)));
    }

    [Fact]
    public void Equals_SameFieldsInDifferentArrays_IsTrue()
    {
        var first = new GeneralGloCiphering(GreenBookVectors.ServerSystemTitle, Convert.FromHexString(V1Content));
        var second = new GeneralGloCiphering(GreenBookVectors.ServerSystemTitle, Convert.FromHexString(V1Content));

        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        Assert.NotEqual(first, new GeneralGloCiphering(null, Convert.FromHexString(V1Content)));
    }

    private static GeneralGloCiphering ReadGlo(string hex)
    {
        var reader = new AxdrReader(Convert.FromHexString(hex));
        var apdu = GeneralGloCiphering.Read(ref reader);
        reader.EnsureAtEnd();
        return apdu;
    }

    private static DlmsFormatException Capture(ref AxdrReader reader)
    {
        try
        {
            GeneralGloCiphering.Read(ref reader);
        }
        catch (DlmsFormatException ex)
        {
            return ex;
        }

        throw new Xunit.Sdk.XunitException("No DlmsFormatException");
    }
}
