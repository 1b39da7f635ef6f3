using System.Security.Cryptography;

namespace Meterline.Dlms.Security;

/// <summary>
/// ECDH key agreement on P-256 for security suite 1 (Green Book 9.2.3.4.6): Z = ECC CDH(own private key, peer
/// public key), then the concatenation KDF (<see cref="ConcatenationKdf"/>); Z is destroyed after use. Party U and V:
/// <list type="bullet">
/// <item>C(2e, 0s) Ephemeral Unified Model: U = client, V = server, both keys ephemeral (key_agreement of
/// "Security setup"; global keys and master key);</item>
/// <item>C(1e, 1s) One-Pass Diffie-Hellman: U = originator with an ephemeral key, V = recipient with its static key
/// (general-ciphering agreed-key 0x01);</item>
/// <item>C(0e, 2s) Static Unified Model: U = originator, V = recipient, both static, and Nonce_U = the
/// transaction-id (general-ciphering agreed-key 0x02).</item>
/// </list>
/// Both sides call the same method with their own private key and the other's public key and the same U and V.
/// Authenticating the ephemeral public keys (signatures, certificates) is the caller's job.
/// </summary>
public static class EcdhKeyAgreement
{
    /// <summary>Generates a P-256 key agreement key pair (static or ephemeral).</summary>
    public static ECDiffieHellman GenerateKeyPair() => ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>Imports a peer's public key from x ‖ y (64 bytes); a point not on the curve is refused.</summary>
    /// <exception cref="DlmsSecurityException"><see cref="DlmsErrorReason.InvalidKey"/>.</exception>
    public static ECDiffieHellman ImportPublicKey(ReadOnlySpan<byte> publicKey)
    {
        try
        {
            return ECDiffieHellman.Create(EcdsaP256.ToPublicParameters(publicKey));
        }
        catch (CryptographicException ex)
        {
            throw new DlmsSecurityException(DlmsErrorReason.InvalidKey, "Not a valid P-256 public key", ex);
        }
    }

    /// <summary>Exports the public key as x ‖ y (64 bytes).</summary>
    public static byte[] ExportPublicKey(ECDiffieHellman key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return EcdsaP256.FromPublicParameters(key.ExportParameters(false));
    }

    /// <summary>
    /// Computes Z with <paramref name="ownPrivateKey"/> and <paramref name="peerPublicKey"/> and derives the key for
    /// <paramref name="algorithmId"/>. <paramref name="transactionId"/> is Nonce_U: required (1-255 bytes) for
    /// C(0e, 2s) and must be empty for the other schemes.
    /// </summary>
    public static CipherKey DeriveKey(
        ECDiffieHellman ownPrivateKey,
        ECDiffieHellman peerPublicKey,
        KeyAgreementScheme scheme,
        SystemTitle partyU,
        SystemTitle partyV,
        CryptographicAlgorithmId algorithmId,
        ReadOnlySpan<byte> transactionId = default)
    {
        ArgumentNullException.ThrowIfNull(ownPrivateKey);
        ArgumentNullException.ThrowIfNull(peerPublicKey);
        switch (scheme)
        {
            case KeyAgreementScheme.StaticUnifiedModel when transactionId.IsEmpty || transactionId.Length > byte.MaxValue:
                throw new ArgumentException("C(0e, 2s) needs Nonce_U: a transaction-id of 1 to 255 bytes", nameof(transactionId));
            case KeyAgreementScheme.EphemeralUnifiedModel or KeyAgreementScheme.OnePassDiffieHellman when !transactionId.IsEmpty:
                throw new ArgumentException("Only C(0e, 2s) uses a nonce", nameof(transactionId));
            case KeyAgreementScheme.EphemeralUnifiedModel or KeyAgreementScheme.OnePassDiffieHellman or KeyAgreementScheme.StaticUnifiedModel:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(scheme));
        }

        EcdsaP256.EnsureP256(ownPrivateKey);
        EcdsaP256.EnsureP256(peerPublicKey);
        using var peer = peerPublicKey.PublicKey;
        var z = ownPrivateKey.DeriveRawSecretAgreement(peer);
        try
        {
            return ConcatenationKdf.DeriveKey(z, algorithmId, partyU, partyV, transactionId);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(z);
        }
    }
}
