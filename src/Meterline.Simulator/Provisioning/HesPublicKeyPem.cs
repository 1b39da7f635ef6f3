using System.Security.Cryptography;
using Meterline.Meter.Security;

namespace Meterline.Simulator.Provisioning;

/// <summary>
/// Reads the head-end's public key from a PEM file ("-----BEGIN PUBLIC KEY-----", SubjectPublicKeyInfo, the form the
/// head-end writes and <c>openssl ec -pubout</c> prints) as the uncompressed point 0x04 ‖ X ‖ Y meters are given.
/// </summary>
public static class HesPublicKeyPem
{
    /// <summary>The largest file read.</summary>
    public const int MaxFileBytes = 16 * 1024;

    /// <exception cref="InvalidDataException">The file is not a PEM public key on P-256.</exception>
    public static byte[] Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (new FileInfo(path).Length > MaxFileBytes)
        {
            throw new InvalidDataException($"{path}: larger than {MaxFileBytes} bytes");
        }

        return Parse(File.ReadAllText(path), path);
    }

    /// <exception cref="InvalidDataException">The text is not a PEM public key on P-256.</exception>
    public static byte[] Parse(string pem, string source)
    {
        ArgumentNullException.ThrowIfNull(pem);
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            var fields = PemEncoding.Find(pem);
            if (pem[fields.Label] is not "PUBLIC KEY")
            {
                // A private key is refused rather than reduced to its public half: it has no business here.
                throw new InvalidDataException($"{source}: a PEM \"PUBLIC KEY\" is expected, not \"{pem[fields.Label]}\"");
            }

            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(pem[fields.Base64Data]), out _);
            var parameters = key.ExportParameters(includePrivateParameters: false);
            if (parameters.Curve.Oid?.Value != ECCurve.NamedCurves.nistP256.Oid.Value || parameters.Q.X is not { Length: 32 } x || parameters.Q.Y is not { Length: 32 } y)
            {
                throw new InvalidDataException($"{source}: not an ECDSA P-256 public key");
            }

            byte[] point = [0x04, .. x, .. y];
            return MeterKeyStore.IsValidHesPublicKey(point) ? point : throw new InvalidDataException($"{source}: not a point on P-256");
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException or FormatException)
        {
            throw new InvalidDataException($"{source}: not a PEM public key ({e.Message})", e);
        }
    }
}
