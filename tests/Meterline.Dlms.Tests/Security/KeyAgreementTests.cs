using System.Security.Cryptography;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Tests.Security;

public class KeyAgreementTests
{
    private static readonly SystemTitle PartyU = GreenBookVectors.ClientSystemTitle;
    private static readonly SystemTitle PartyV = GreenBookVectors.ServerSystemTitle;
    private static readonly byte[] TransactionId = Convert.FromHexString("0102030405060708");

    [Fact]
    public void BuildOtherInfo_WithoutNonce_IsAlgorithmIdPartyUPartyV()
    {
        var otherInfo = ConcatenationKdf.BuildOtherInfo(CryptographicAlgorithmId.AesGcm128, PartyU, PartyV, default);

        // Green Book Tables 17 and 18: AlgorithmID (2.16.756.5.8.3.0) ‖ ID_U ‖ ID_V.
        Assert.Equal("60857405080300" + "4D4D4D0000000001" + "4D4D4D0000BC614E", Convert.ToHexString(otherInfo));
    }

    [Fact]
    public void BuildOtherInfo_WithNonce_PutsLengthAndNonceAfterPartyU()
    {
        var otherInfo = ConcatenationKdf.BuildOtherInfo(CryptographicAlgorithmId.AesWrap128, PartyU, PartyV, TransactionId);

        Assert.Equal("60857405080302" + "4D4D4D0000000001" + "08" + "0102030405060708" + "4D4D4D0000BC614E", Convert.ToHexString(otherInfo));
    }

    [Fact]
    public void DeriveKey_FixedSharedSecret_IsLeftmost128BitsOfSha256OverCounterZOtherInfo()
    {
        var z = Convert.FromHexString("2A7E3C6F1D0B5A9988776655443322110F1E2D3C4B5A69788796A5B4C3D2E1F0");

        var key = ConcatenationKdf.DeriveKey(z, CryptographicAlgorithmId.AesGcm128, PartyU, PartyV, default);

        // NIST SP 800-56A 5.8.1.1 with one round: SHA-256(00000001 ‖ Z ‖ OtherInfo), assembled here by hand.
        var input = Convert.FromHexString("00000001" + Convert.ToHexString(z) + "60857405080300" + "4D4D4D0000000001" + "4D4D4D0000BC614E");
        var expected = SHA256.HashData(input)[..16];
        Assert.Equal(CipherKey.FromBytes(expected), key);

        // The same value from Python's hashlib, as a literal regression anchor.
        Assert.Equal(CipherKey.FromBytes(Convert.FromHexString("C22C90B7D806ADF3FF6400952D9F0499")), key);
    }

    [Fact]
    public void DeriveKey_FixedSharedSecretWithNonce_IncludesNonceInOtherInfo()
    {
        var z = Convert.FromHexString("2A7E3C6F1D0B5A9988776655443322110F1E2D3C4B5A69788796A5B4C3D2E1F0");

        var key = ConcatenationKdf.DeriveKey(z, CryptographicAlgorithmId.AesGcm128, PartyU, PartyV, TransactionId);

        var input = Convert.FromHexString("00000001" + Convert.ToHexString(z) + "60857405080300" + "4D4D4D0000000001" + "080102030405060708" + "4D4D4D0000BC614E");
        Assert.Equal(CipherKey.FromBytes(SHA256.HashData(input)[..16]), key);
    }

    [Theory]
    [InlineData(CryptographicAlgorithmId.AesGcm256)]
    [InlineData(CryptographicAlgorithmId.AesWrap256)]
    public void DeriveKey_Suite2Algorithm_ThrowsUnsupported(CryptographicAlgorithmId algorithm)
    {
        AesGcmCipherTests.AssertSecurityError(
            DlmsErrorReason.Unsupported, () => ConcatenationKdf.DeriveKey(new byte[32], algorithm, PartyU, PartyV, default));
    }

    [Fact]
    public void EphemeralUnifiedModel_BothSides_DeriveTheSameKey()
    {
        using var clientEphemeral = EcdhKeyAgreement.GenerateKeyPair();
        using var serverEphemeral = EcdhKeyAgreement.GenerateKeyPair();
        using var clientPublic = EcdhKeyAgreement.ImportPublicKey(EcdhKeyAgreement.ExportPublicKey(clientEphemeral));
        using var serverPublic = EcdhKeyAgreement.ImportPublicKey(EcdhKeyAgreement.ExportPublicKey(serverEphemeral));

        var atClient = EcdhKeyAgreement.DeriveKey(clientEphemeral, serverPublic, KeyAgreementScheme.EphemeralUnifiedModel, PartyU, PartyV, CryptographicAlgorithmId.AesGcm128);
        var atServer = EcdhKeyAgreement.DeriveKey(serverEphemeral, clientPublic, KeyAgreementScheme.EphemeralUnifiedModel, PartyU, PartyV, CryptographicAlgorithmId.AesGcm128);

        Assert.Equal(atClient, atServer);
        Assert.False(atClient.IsPublishedTestKey);
    }

    [Fact]
    public void OnePassDiffieHellman_OriginatorEphemeralRecipientStatic_DeriveTheSameKey()
    {
        using var originatorEphemeral = EcdhKeyAgreement.GenerateKeyPair();
        using var recipientStatic = EcdhKeyAgreement.GenerateKeyPair();

        var atOriginator = EcdhKeyAgreement.DeriveKey(originatorEphemeral, recipientStatic, KeyAgreementScheme.OnePassDiffieHellman, PartyU, PartyV, CryptographicAlgorithmId.AesGcm128);
        var atRecipient = EcdhKeyAgreement.DeriveKey(recipientStatic, originatorEphemeral, KeyAgreementScheme.OnePassDiffieHellman, PartyU, PartyV, CryptographicAlgorithmId.AesGcm128);

        Assert.Equal(atOriginator, atRecipient);
    }

    [Fact]
    public void StaticUnifiedModel_BothStatic_DeriveTheSameKeyAndTheNonceChangesIt()
    {
        using var originatorStatic = EcdhKeyAgreement.GenerateKeyPair();
        using var recipientStatic = EcdhKeyAgreement.GenerateKeyPair();

        var atOriginator = EcdhKeyAgreement.DeriveKey(originatorStatic, recipientStatic, KeyAgreementScheme.StaticUnifiedModel, PartyU, PartyV, CryptographicAlgorithmId.AesGcm128, TransactionId);
        var atRecipient = EcdhKeyAgreement.DeriveKey(recipientStatic, originatorStatic, KeyAgreementScheme.StaticUnifiedModel, PartyU, PartyV, CryptographicAlgorithmId.AesGcm128, TransactionId);
        var nextTransaction = EcdhKeyAgreement.DeriveKey(originatorStatic, recipientStatic, KeyAgreementScheme.StaticUnifiedModel, PartyU, PartyV, CryptographicAlgorithmId.AesGcm128, Convert.FromHexString("0102030405060709"));

        Assert.Equal(atOriginator, atRecipient);
        Assert.NotEqual(atOriginator, nextTransaction);
    }

    [Fact]
    public void DeriveKey_DifferentPartyInfoOrAlgorithm_GivesDifferentKeys()
    {
        using var own = EcdhKeyAgreement.GenerateKeyPair();
        using var peer = EcdhKeyAgreement.GenerateKeyPair();
        CipherKey Derive(SystemTitle u, SystemTitle v, CryptographicAlgorithmId algorithm) =>
            EcdhKeyAgreement.DeriveKey(own, peer, KeyAgreementScheme.OnePassDiffieHellman, u, v, algorithm);

        var reference = Derive(PartyU, PartyV, CryptographicAlgorithmId.AesGcm128);

        Assert.NotEqual(reference, Derive(PartyV, PartyU, CryptographicAlgorithmId.AesGcm128));
        Assert.NotEqual(reference, Derive(SystemTitle.Parse("4D4D4D0000000002"), PartyV, CryptographicAlgorithmId.AesGcm128));
        Assert.NotEqual(reference, Derive(PartyU, SystemTitle.Parse("4D4D4D0000BC614F"), CryptographicAlgorithmId.AesGcm128));
        Assert.NotEqual(reference, Derive(PartyU, PartyV, CryptographicAlgorithmId.AesWrap128));
        Assert.Equal(reference, Derive(PartyU, PartyV, CryptographicAlgorithmId.AesGcm128));
    }

    [Fact]
    public void DeriveKey_WrongPeerKey_GivesDifferentKey()
    {
        using var originator = EcdhKeyAgreement.GenerateKeyPair();
        using var recipient = EcdhKeyAgreement.GenerateKeyPair();
        using var intruder = EcdhKeyAgreement.GenerateKeyPair();

        var expected = EcdhKeyAgreement.DeriveKey(originator, recipient, KeyAgreementScheme.OnePassDiffieHellman, PartyU, PartyV, CryptographicAlgorithmId.AesGcm128);
        var atIntruder = EcdhKeyAgreement.DeriveKey(intruder, originator, KeyAgreementScheme.OnePassDiffieHellman, PartyU, PartyV, CryptographicAlgorithmId.AesGcm128);

        Assert.NotEqual(expected, atIntruder);
    }

    [Fact]
    public void DeriveKey_StaticUnifiedWithoutNonce_ThrowsArgumentException()
    {
        using var own = EcdhKeyAgreement.GenerateKeyPair();
        using var peer = EcdhKeyAgreement.GenerateKeyPair();

        Assert.Throws<ArgumentException>(() => EcdhKeyAgreement.DeriveKey(own, peer, KeyAgreementScheme.StaticUnifiedModel, PartyU, PartyV, CryptographicAlgorithmId.AesGcm128));
        Assert.Throws<ArgumentException>(() => EcdhKeyAgreement.DeriveKey(own, peer, KeyAgreementScheme.OnePassDiffieHellman, PartyU, PartyV, CryptographicAlgorithmId.AesGcm128, TransactionId));
    }

    [Fact]
    public void ImportPublicKey_PointNotOnCurve_ThrowsInvalidKey()
    {
        using var key = EcdhKeyAgreement.GenerateKeyPair();
        var point = EcdhKeyAgreement.ExportPublicKey(key);
        point[0] ^= 0x80;

        AesGcmCipherTests.AssertSecurityError(DlmsErrorReason.InvalidKey, () => EcdhKeyAgreement.ImportPublicKey(point));
    }

    [Fact]
    public void DeriveKey_PeerOnAnotherCurve_ThrowsInvalidKey()
    {
        using var own = EcdhKeyAgreement.GenerateKeyPair();
        using var peer = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP384);

        AesGcmCipherTests.AssertSecurityError(
            DlmsErrorReason.InvalidKey,
            () => EcdhKeyAgreement.DeriveKey(own, peer, KeyAgreementScheme.OnePassDiffieHellman, PartyU, PartyV, CryptographicAlgorithmId.AesGcm128));
    }
}
