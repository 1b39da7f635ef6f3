using System.Security.Cryptography;

namespace Meterline.Dlms.Security;

/// <summary>
/// ECDSA with the NIST P-256 curve and SHA-256 (security suite 1, Green Book 9.2.3.4.5). Signatures use the plain
/// format r ‖ s, 32 bytes each (IEEE P1363, the .NET default); public keys travel as x ‖ y, 32 bytes each.
/// </summary>
/// <remarks>
/// ECDSA signatures are malleable: (r, n − s) verifies as well. Detect replays by invocation counter or
/// transaction-id, never by comparing signature bytes.
/// </remarks>
public static class EcdsaP256
{
    /// <summary>Length of a signature r ‖ s.</summary>
    public const int SignatureLength = 64;

    /// <summary>Length of a raw public key x ‖ y.</summary>
    public const int PublicKeyLength = 64;

    /// <summary>Length of a raw private key d.</summary>
    public const int PrivateKeyLength = 32;

    private const string P256Oid = "1.2.840.10045.3.1.7";

    /// <summary>Generates a new key pair (the OS CSPRNG supplies the randomness).</summary>
    public static ECDsa GenerateKeyPair() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>Imports a private key from its 32-byte scalar d; the public key is derived from it.</summary>
    /// <exception cref="DlmsSecurityException">d is not a valid P-256 private key (<see cref="DlmsErrorReason.InvalidKey"/>).</exception>
    public static ECDsa ImportPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != PrivateKeyLength)
        {
            throw new DlmsSecurityException(DlmsErrorReason.InvalidKey, "A P-256 private key is 32 bytes");
        }

        var d = privateKey.ToArray();
        try
        {
            return ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d });
        }
        catch (CryptographicException ex)
        {
            throw new DlmsSecurityException(DlmsErrorReason.InvalidKey, "Not a valid P-256 private key", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(d);
        }
    }

    /// <summary>Imports a public key from x ‖ y (64 bytes); a point not on the curve is refused.</summary>
    /// <exception cref="DlmsSecurityException">Not a valid P-256 point (<see cref="DlmsErrorReason.InvalidKey"/>).</exception>
    public static ECDsa ImportPublicKey(ReadOnlySpan<byte> publicKey)
    {
        try
        {
            return ECDsa.Create(ToPublicParameters(publicKey));
        }
        catch (CryptographicException ex)
        {
            throw new DlmsSecurityException(DlmsErrorReason.InvalidKey, "Not a valid P-256 public key", ex);
        }
    }

    /// <summary>Exports the public key as x ‖ y (64 bytes).</summary>
    public static byte[] ExportPublicKey(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return FromPublicParameters(key.ExportParameters(false));
    }

    /// <summary>Signs <paramref name="data"/> (SHA-256 digest) and returns r ‖ s (64 bytes).</summary>
    public static byte[] Sign(ECDsa privateKey, ReadOnlySpan<byte> data)
    {
        EnsureP256(privateKey);
        return privateKey.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>Verifies r ‖ s over <paramref name="data"/>; false for a wrong signature or a signature of the wrong length.</summary>
    public static bool Verify(ECDsa publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        EnsureP256(publicKey);
        return signature.Length == SignatureLength
            && publicKey.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>Throws unless <paramref name="key"/> is on the P-256 curve.</summary>
    internal static void EnsureP256(AsymmetricAlgorithm key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var curve = key switch
        {
            ECDsa ecdsa => ecdsa.ExportParameters(false).Curve,
            ECDiffieHellman ecdh => ecdh.ExportParameters(false).Curve,
            _ => default,
        };

        if (key.KeySize != 256 || curve.Oid?.Value != P256Oid)
        {
            throw new DlmsSecurityException(DlmsErrorReason.InvalidKey, "Security suite 1 needs a P-256 key");
        }
    }

    /// <summary>Public key parameters from x ‖ y.</summary>
    internal static ECParameters ToPublicParameters(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != PublicKeyLength)
        {
            throw new DlmsSecurityException(DlmsErrorReason.InvalidKey, "A P-256 public key is 64 bytes (x ‖ y)");
        }

        return new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = publicKey[..32].ToArray(), Y = publicKey[32..].ToArray() },
        };
    }

    /// <summary>x ‖ y from public key parameters.</summary>
    internal static byte[] FromPublicParameters(ECParameters parameters)
    {
        if (parameters.Curve.Oid?.Value != P256Oid || parameters.Q.X is not { Length: 32 } x || parameters.Q.Y is not { Length: 32 } y)
        {
            throw new DlmsSecurityException(DlmsErrorReason.InvalidKey, "Security suite 1 needs a P-256 key");
        }

        return [.. x, .. y];
    }
}
