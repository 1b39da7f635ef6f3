using Meterline.Dlms.Security;

namespace Meterline.Dlms.Associations.Server;

/// <summary>
/// The layers of protection around an xDLMS APDU: a ciphering layer (kind and security control byte) and a
/// general-signing layer, inside or outside the ciphering (Green Book 9.2.7.2.5 allows both orders). A received
/// request's layers are mirrored on its response, strengthened to what the policy and the access rights demand, so a
/// response is never protected more weakly than its request.
/// </summary>
internal readonly struct ServerProtection
{
    private const byte AuthenticationBit = 0x10;
    private const byte EncryptionBit = 0x20;

    public ServerProtection(
        ServerCiphering ciphering,
        SecurityControl securityControl,
        bool signed,
        bool signatureOutside,
        ReadOnlyMemory<byte> transactionId)
    {
        Ciphering = ciphering;
        SecurityControl = securityControl;
        Signed = signed;
        SignatureOutside = signatureOutside;
        TransactionId = transactionId;
    }

    public ServerCiphering Ciphering { get; }

    /// <summary>The security control byte of the ciphering layer; meaningless without one.</summary>
    public SecurityControl SecurityControl { get; }

    public bool Signed { get; }

    /// <summary>True when the general-signing APDU wraps the ciphered APDU; false when the ciphering wraps it.</summary>
    public bool SignatureOutside { get; }

    /// <summary>The transaction-id of the general-signing layer, echoed in the response.</summary>
    public ReadOnlyMemory<byte> TransactionId { get; }

    public bool IsCiphered => Ciphering != ServerCiphering.None;

    /// <summary>What the layers amount to, for access rights and the security policy.</summary>
    public MessageProtection Protection => MessageProtection.From(IsCiphered ? SecurityControl : null, Signed);

    /// <summary>These layers without the signing layer (a response from a server that holds no signing key).</summary>
    public ServerProtection WithoutSignature() =>
        new(Ciphering, SecurityControl, signed: false, signatureOutside: false, ReadOnlyMemory<byte>.Empty);

    /// <summary>
    /// These layers with at least <paramref name="required"/>: authentication and encryption are added to the
    /// ciphering layer (a glo- layer with <paramref name="suite"/> when there was none), and a signing layer outside
    /// the ciphering when a signature is required and there was none.
    /// </summary>
    public ServerProtection StrengthenedTo(MessageProtection required, SecuritySuite suite)
    {
        var ciphering = Ciphering;
        var securityControl = SecurityControl;
        if (required.Authenticated || required.Encrypted)
        {
            var bits = (byte)((required.Authenticated ? AuthenticationBit : 0) | (required.Encrypted ? EncryptionBit : 0));
            if (ciphering == ServerCiphering.None)
            {
                ciphering = ServerCiphering.Global;
                securityControl = SecurityControl.Create(suite, required.Authenticated, required.Encrypted);
            }
            else
            {
                securityControl = new SecurityControl((byte)(securityControl.Value | bits));
            }
        }

        return Signed || !required.Signed
            ? new ServerProtection(ciphering, securityControl, Signed, SignatureOutside, TransactionId)
            : new ServerProtection(ciphering, securityControl, signed: true, signatureOutside: true, ReadOnlyMemory<byte>.Empty);
    }
}
