using System.Security.Cryptography;
using Meterline.Dlms.Axdr;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Tests.Security;

public class GeneralCipheringTests
{
    // DD ‖ transaction-id ‖ originator ‖ recipient ‖ date-time (empty) ‖ other-information (empty); offsets 0-29.
    private const string Header = "DD" + "080102030405060708" + "084D4D4D0000BC614E" + "084D4D4D0000000001" + "00" + "00";
    private const string AuthenticatedFields = "080102030405060708" + "084D4D4D0000BC614E" + "084D4D4D0000000001" + "00" + "00";

    public static TheoryData<string, KeyInfo?> KeyInfoEncodings => new()
    {
        { "00", null },
        { "010000", new IdentifiedKey(KeyId.GlobalUnicastEncryptionKey) },
        { "010001", new IdentifiedKey(KeyId.GlobalBroadcastEncryptionKey) },
        { "01010018" + new string('A', 48), new WrappedKey(KekId.MasterKey, Enumerable.Repeat((byte)0xAA, 24).ToArray()) },
        // Shape of the Green Book Table 41 example: agreed-key, key-parameters 01 (C(1e, 1s)), 128-byte key-ciphered-data.
        { "010201018180" + new string('5', 256), new AgreedKey(new byte[] { 0x01 }, Enumerable.Repeat((byte)0x55, 128).ToArray()) },
        { "0102010200", new AgreedKey(new byte[] { 0x02 }, Array.Empty<byte>()) },
    };

    [Theory]
    [MemberData(nameof(KeyInfoEncodings))]
    public void Read_KeyInfoVariant_DecodesAndReEncodesSameBytes(string keyInfoHex, KeyInfo? expected)
    {
        var hex = Header + keyInfoHex + "053000000001";

        var apdu = Read(hex);

        Assert.Equal(expected, apdu.KeyInfo);
        Assert.Equal(Convert.FromHexString("0102030405060708"), apdu.TransactionId.ToArray());
        Assert.Equal(GreenBookVectors.ServerSystemTitle, apdu.OriginatorSystemTitle);
        Assert.Equal(GreenBookVectors.ClientSystemTitle, apdu.RecipientSystemTitle);
        Assert.True(apdu.DateTime.IsEmpty);
        Assert.True(apdu.OtherInformation.IsEmpty);
        Assert.Equal("3000000001", Convert.ToHexString(apdu.CipheredContent.Span));
        Assert.Equal(hex, Convert.ToHexString(apdu.ToArray()));
    }

    [Fact]
    public void AgreedKey_Scheme_IsReadFromKeyParameters()
    {
        Assert.Equal(KeyAgreementScheme.OnePassDiffieHellman, new AgreedKey(new byte[] { 1 }, default).Scheme);
        Assert.Equal(KeyAgreementScheme.StaticUnifiedModel, new AgreedKey(new byte[] { 2 }, default).Scheme);
        Assert.Null(new AgreedKey(new byte[] { 3 }, default).Scheme);
        Assert.Null(new AgreedKey(new byte[] { 1, 0 }, default).Scheme);
    }

    [Fact]
    public void Protect_AadIsScAkAndTheFiveLengthPrefixedFields()
    {
        using var cipher = GreenBookVectors.CreateCipher();
        var plain = Convert.FromHexString(GreenBookVectors.GetRequestHex);

        var apdu = GeneralCiphering.Protect(
            cipher,
            SecurityControl.AuthenticatedEncryption,
            GreenBookVectors.ServerInvocationCounter,
            Convert.FromHexString("0102030405060708"),
            GreenBookVectors.ServerSystemTitle,
            GreenBookVectors.ClientSystemTitle,
            default,
            default,
            new IdentifiedKey(KeyId.GlobalUnicastEncryptionKey),
            plain);

        // Independent computation (Green Book Table 38, general-ciphering): IV = originator ‖ IC,
        // AAD = SC ‖ AK ‖ transaction-id ‖ originator ‖ recipient ‖ date-time ‖ other-information (length ‖ value each).
        using var gcm = new AesGcm(Convert.FromHexString(GreenBookVectors.EncryptionKeyHex), 12);
        var ciphertext = new byte[plain.Length];
        var tag = new byte[12];
        gcm.Encrypt(
            Convert.FromHexString("4D4D4D0000BC614E01234567"),
            plain,
            ciphertext,
            tag,
            Convert.FromHexString("30" + GreenBookVectors.AuthenticationKeyHex + AuthenticatedFields));
        Assert.Equal("3001234567" + Convert.ToHexString(ciphertext) + Convert.ToHexString(tag), Convert.ToHexString(apdu.CipheredContent.Span));
        Assert.Equal(AuthenticatedFields, Convert.ToHexString(apdu.GetAuthenticatedFields()));
        Assert.Equal(Header + "010000" + "1E" + Convert.ToHexString(apdu.CipheredContent.Span), Convert.ToHexString(apdu.ToArray()));
    }

    [Theory]
    [InlineData((byte)0x30)]
    [InlineData((byte)0x10)]
    public void Unprotect_RoundTrip_GivesPlainApdu(byte securityControl)
    {
        using var cipher = GreenBookVectors.CreateCipher();
        var apdu = Protect(cipher, new SecurityControl(securityControl));

        var read = Read(Convert.ToHexString(apdu.ToArray()));

        Assert.Equal(apdu, read);
        Assert.Equal(GreenBookVectors.GetRequestHex, Convert.ToHexString(read.Unprotect(cipher)));
    }

    [Theory]
    [InlineData((byte)0x30)]
    [InlineData((byte)0x10)]
    public void Unprotect_AnyHeaderFieldChanged_ThrowsAuthenticationFailed(byte securityControl)
    {
        using var cipher = GreenBookVectors.CreateCipher();
        var apdu = Protect(cipher, new SecurityControl(securityControl));

        GeneralCiphering[] altered =
        [
            new(new byte[] { 1, 2, 3, 4, 5, 6, 7, 9 }, apdu.OriginatorSystemTitle, apdu.RecipientSystemTitle, apdu.DateTime, apdu.OtherInformation, apdu.KeyInfo, apdu.CipheredContent),
            new(apdu.TransactionId, apdu.OriginatorSystemTitle, SystemTitle.Parse("4D4D4D0000000002"), apdu.DateTime, apdu.OtherInformation, apdu.KeyInfo, apdu.CipheredContent),
            new(apdu.TransactionId, apdu.OriginatorSystemTitle, null, apdu.DateTime, apdu.OtherInformation, apdu.KeyInfo, apdu.CipheredContent),
            new(apdu.TransactionId, apdu.OriginatorSystemTitle, apdu.RecipientSystemTitle, new byte[] { 0 }, apdu.OtherInformation, apdu.KeyInfo, apdu.CipheredContent),
            new(apdu.TransactionId, apdu.OriginatorSystemTitle, apdu.RecipientSystemTitle, apdu.DateTime, new byte[] { 0 }, apdu.KeyInfo, apdu.CipheredContent),
            new(apdu.TransactionId, GreenBookVectors.ClientSystemTitle, apdu.RecipientSystemTitle, apdu.DateTime, apdu.OtherInformation, apdu.KeyInfo, apdu.CipheredContent),
        ];

        foreach (var candidate in altered)
        {
            AesGcmCipherTests.AssertSecurityError(DlmsErrorReason.AuthenticationFailed, () => candidate.Unprotect(cipher));
        }
    }

    [Fact]
    public void Unprotect_KeySetBitSet_ThrowsMalformed()
    {
        using var cipher = GreenBookVectors.CreateCipher();
        var apdu = new GeneralCiphering(default, GreenBookVectors.ServerSystemTitle, null, default, default, null, Convert.FromHexString("70000000010000000000000000000000000000"));

        var ex = Assert.Throws<DlmsFormatException>(() => apdu.Unprotect(cipher));

        Assert.Equal(DlmsErrorReason.Malformed, ex.Reason);
        Assert.Equal(0, ex.Offset);
    }

    [Fact]
    public void Protect_KeySetBitSet_ThrowsArgumentException()
    {
        using var cipher = GreenBookVectors.CreateCipher();

        Assert.Throws<ArgumentException>(() => Protect(cipher, new SecurityControl(0x70)));
    }

    [Theory]
    [InlineData(Header + "02", DlmsErrorReason.Malformed, 30)] // presence flag neither 0 nor 1
    [InlineData(Header + "0103", DlmsErrorReason.UnknownTag, 31)] // key-info choice 3
    [InlineData(Header + "010002", DlmsErrorReason.UnknownTag, 32)] // key-id 2
    [InlineData(Header + "010101", DlmsErrorReason.UnknownTag, 32)] // kek-id 1
    [InlineData(Header + "01", DlmsErrorReason.Truncated, 31)] // choice missing
    [InlineData(Header + "0102010110", DlmsErrorReason.LengthOutOfRange, 34)] // key-ciphered-data longer than the input
    [InlineData(Header + "00", DlmsErrorReason.Truncated, 31)] // ciphered-content missing
    [InlineData("DD" + "00" + "00", DlmsErrorReason.Malformed, 2)] // empty originator-system-title
    [InlineData("DD" + "00" + "084D4D4D0000BC614E" + "044D4D4D00", DlmsErrorReason.Malformed, 11)] // recipient of 4 bytes
    [InlineData("DE00", DlmsErrorReason.UnknownTag, 0)]
    public void Read_Malformed_ThrowsWithReasonAndOffset(string hex, DlmsErrorReason reason, int offset)
    {
        var reader = new AxdrReader(Convert.FromHexString(hex));
        DlmsFormatException? caught = null;
        try
        {
            GeneralCiphering.Read(ref reader);
        }
        catch (DlmsFormatException ex)
        {
            caught = ex;
        }

        Assert.NotNull(caught);
        Assert.Equal(reason, caught.Reason);
        Assert.Equal(offset, caught.Offset);
    }

    private static GeneralCiphering Protect(AesGcmCipher cipher, SecurityControl securityControl) =>
        GeneralCiphering.Protect(
            cipher,
            securityControl,
            42,
            Convert.FromHexString("0102030405060708"),
            GreenBookVectors.ServerSystemTitle,
            GreenBookVectors.ClientSystemTitle,
            Convert.FromHexString("07E6010105000000FF800000"),
            Convert.FromHexString("AB"),
            new IdentifiedKey(KeyId.GlobalUnicastEncryptionKey),
            Convert.FromHexString(GreenBookVectors.GetRequestHex));

    private static GeneralCiphering Read(string hex)
    {
        var reader = new AxdrReader(Convert.FromHexString(hex));
        var apdu = GeneralCiphering.Read(ref reader);
        reader.EnsureAtEnd();
        return apdu;
    }
}
