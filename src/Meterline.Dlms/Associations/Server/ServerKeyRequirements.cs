using Meterline.Dlms.Acse;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Associations.Server;

/// <summary>
/// What an association definition needs of the server's keys: any for ciphering or HLS; suite 0 or 1 (suite 2 is not
/// supported); and for HLS mechanism 7 or a policy with signatures, suite 1 with the server's signing key and the
/// client's public key, both on P-256.
/// </summary>
internal static class ServerKeyRequirements
{
    /// <exception cref="ArgumentException">The keys do not allow what the definition needs.</exception>
    /// <exception cref="DlmsSecurityException">A signing or public key is not a P-256 key.</exception>
    public static void Check(ServerAssociationDefinition definition, AssociationKeys? keys)
    {
        if (keys is null)
        {
            if (definition.AcceptsCiphering || definition.IsHighLevelSecurity)
            {
                throw new ArgumentException("Ciphering and high level security need the server's keys", nameof(keys));
            }

            return;
        }

        if (keys.Suite is not (SecuritySuite.AesGcm128 or SecuritySuite.EcdhEcdsaAesGcm128Sha256))
        {
            throw new ArgumentException("Only security suites 0 and 1 are supported", nameof(keys));
        }

        var signing = definition.Mechanism == AuthenticationMechanism.HighEcdsa ||
            (definition.SecurityPolicy & (SecurityPolicy.DigitallySignedRequest | SecurityPolicy.DigitallySignedResponse)) != 0;
        if (signing && (keys.Suite != SecuritySuite.EcdhEcdsaAesGcm128Sha256 || keys.SigningKey is null || keys.PeerPublicKey is null))
        {
            throw new ArgumentException("HLS mechanism 7 and signed messages need suite 1, a signing key and the client's public key", nameof(keys));
        }

        if (keys.SigningKey is { } signingKey)
        {
            EcdsaP256.EnsureP256(signingKey);
        }

        if (keys.PeerPublicKey is { } peerKey)
        {
            EcdsaP256.EnsureP256(peerKey);
        }
    }
}
