using System.Security.Cryptography;
using Meterline.Dlms.Acse;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Tests.Associations.Client;

/// <summary>
/// Builds the server's side of a conversation by hand from the codec and security primitives, so that the client
/// association is tested against bytes it did not produce itself.
/// </summary>
internal sealed class ScriptedServer : IDisposable
{
    public static readonly CipherKey EncryptionKey = CipherKey.FromBytes(Convert.FromHexString("000102030405060708090A0B0C0D0E0F"));
    public static readonly CipherKey AuthenticationKey = CipherKey.FromBytes(Convert.FromHexString("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF"));
    public static readonly SystemTitle ServerTitle = SystemTitle.Parse("4D4D4D0000BC614E");
    public static readonly SystemTitle ClientTitle = SystemTitle.Parse("4D4D4D0000000001");

    public ScriptedServer(SecuritySuite suite = SecuritySuite.AesGcm128)
    {
        Suite = suite;
        Cipher = new AesGcmCipher(EncryptionKey, AuthenticationKey, suite);
    }

    public SecuritySuite Suite { get; }

    private SecurityControl AuthenticatedEncryption => SecurityControl.Create(Suite, authenticated: true, encrypted: true);

    public AesGcmCipher Cipher { get; }

    public uint Counter { get; set; } = 0x01234567;

    public ECDsa ServerSigningKey { get; } = EcdsaP256.GenerateKeyPair();

    public ECDsa ClientSigningKey { get; } = EcdsaP256.GenerateKeyPair();

    public AssociationKeys ClientKeys() => new(ClientTitle, EncryptionKey, AuthenticationKey, Suite)
    {
        SigningKey = ClientSigningKey,
        PeerPublicKey = EcdsaP256.ImportPublicKey(EcdsaP256.ExportPublicKey(ServerSigningKey)),
    };

    public static InitiateResponse InitiateResponse => new()
    {
        NegotiatedConformance = Conformance.Get | Conformance.Set | Conformance.Action | Conformance.SelectiveAccess | Conformance.BlockTransferWithGetOrRead,
        ServerMaxReceivePduSize = 0x04B0,
    };

    public byte[] Aare(ApplicationContextName context, AuthenticationMechanism? mechanism = null, byte[]? challenge = null, bool cipherUserInformation = false, SystemTitle? title = null)
    {
        var userInformation = InitiateResponse.ToArray();
        if (cipherUserInformation)
        {
            userInformation = CipheredApdu.Protect(Cipher, AuthenticatedEncryption, title ?? ServerTitle, Counter++, userInformation).ToArray();
        }

        return new Aare
        {
            ApplicationContextName = context,
            Result = AssociationResult.Accepted,
            ResultSourceDiagnostic = AssociateSourceDiagnostic.FromServiceUser(AcseServiceUserDiagnostic.Null),
            RespondingApTitle = (title ?? ServerTitle).Encode(),
            ResponderAcseRequirements = mechanism is null ? null : AcseRequirements.Authentication,
            MechanismName = mechanism,
            RespondingAuthenticationValue = challenge is null ? null : AuthenticationValue.CharString(challenge),
            UserInformation = userInformation,
        }.ToArray();
    }

    public byte[] Protect(Apdu response, SecurityControl? control = null, uint? counter = null) =>
        CipheredApdu.Protect(Cipher, control ?? AuthenticatedEncryption, ServerTitle, counter ?? Counter++, response.ToArray()).ToArray();

    /// <summary>Deciphers a request from the client (service-specific, global key).</summary>
    public Apdu Unprotect(byte[] request)
    {
        var ciphered = (CipheredApdu)ApduCodec.Decode(request);
        return ApduCodec.Decode(ciphered.Unprotect(Cipher, ClientTitle));
    }

    public void Dispose()
    {
        Cipher.Dispose();
        ServerSigningKey.Dispose();
        ClientSigningKey.Dispose();
    }
}
