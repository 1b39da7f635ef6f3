using System.Security.Cryptography;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Associations;

/// <summary>
/// One party's security material for associations: its own system title, the global unicast encryption key and the
/// authentication key it shares with the peer (suite 0 and 1), and for suite 1 its own ECDSA signing key and the
/// peer's public key. Keys are never printed.
/// </summary>
public sealed record AssociationKeys(
    SystemTitle SystemTitle,
    CipherKey GlobalUnicastEncryptionKey,
    CipherKey AuthenticationKey,
    SecuritySuite Suite = SecuritySuite.AesGcm128)
{
    /// <summary>This party's ECDSA P-256 private key (suite 1: HLS mechanism 7 and general-signing).</summary>
    public ECDsa? SigningKey { get; init; }

    /// <summary>The peer's ECDSA P-256 public key (suite 1).</summary>
    public ECDsa? PeerPublicKey { get; init; }

    public override string ToString() => $"AssociationKeys {{ SystemTitle = {SystemTitle}, Suite = {Suite}, keys redacted }}";
}
