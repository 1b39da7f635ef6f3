using System.Security.Cryptography;

namespace Meterline.HeadEnd.Keys;

/// <summary>
/// The head-end's public signing key as meters and simulators take it: a PEM "PUBLIC KEY" (SubjectPublicKeyInfo, which
/// <c>openssl ec -pubin -text</c> reads and <c>meterline sim --hes-public-key</c> loads), made from the uncompressed
/// point 0x04 ‖ X ‖ Y of <see cref="IHesSigner.PublicKey"/>. The key is public; the file is written atomically with the
/// usual mode.
/// </summary>
public static class HesPublicKeyFile
{
    /// <summary>Length of an uncompressed P-256 point.</summary>
    public const int PointLength = 65;

    /// <summary>True when <paramref name="point"/> is an uncompressed point 0x04 ‖ X ‖ Y on P-256.</summary>
    public static bool IsValidPoint(ReadOnlySpan<byte> point)
    {
        if (point.Length != PointLength || point[0] != 0x04)
        {
            return false;
        }

        try
        {
            using var key = ImportPoint(point);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>The PEM text of <paramref name="point"/>.</summary>
    /// <exception cref="ArgumentException">Not an uncompressed P-256 point.</exception>
    public static string ToPem(ReadOnlySpan<byte> point)
    {
        if (!IsValidPoint(point))
        {
            throw new ArgumentException("The head-end public key must be an uncompressed P-256 point (65 bytes, 0x04 ‖ X ‖ Y).", nameof(point));
        }

        using var key = ImportPoint(point);
        return key.ExportSubjectPublicKeyInfoPem() + "\n";
    }

    /// <summary>A short fingerprint of the key for logs and audit: the first 8 bytes of SHA-256 of the point, lower-case hex.</summary>
    public static string Fingerprint(ReadOnlySpan<byte> point) => Convert.ToHexStringLower(SHA256.HashData(point)[..8]);

    /// <summary>Writes <paramref name="point"/> as PEM to <paramref name="path"/> (a temporary file renamed over the target).</summary>
    public static void Write(string path, ReadOnlySpan<byte> point)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var pem = ToPem(point);
        var full = Path.GetFullPath(path);
        var temporary = full + ".tmp";
        File.WriteAllText(temporary, pem);
        File.Move(temporary, full, overwrite: true);
    }

    private static ECDsa ImportPoint(ReadOnlySpan<byte> point) => ECDsa.Create(new ECParameters
    {
        Curve = ECCurve.NamedCurves.nistP256,
        Q = new ECPoint { X = point[1..33].ToArray(), Y = point[33..].ToArray() },
    });
}
