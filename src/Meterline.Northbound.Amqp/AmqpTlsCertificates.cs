using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Meterline.Northbound.Amqp;

/// <summary>
/// The files behind amqps: a private CA the broker's certificate must chain to (instead of the system's trust store),
/// and the node's client certificate for mutual TLS (PEM certificate and key, or a PKCS#12 file without a password).
/// </summary>
internal static class AmqpTlsCertificates
{
    /// <summary>Every certificate of a PEM file (a CA bundle).</summary>
    public static X509Certificate2Collection LoadAuthorities(string path)
    {
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(path);
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException($"The AMQP CA file {path} cannot be read: {e.Message}", e);
        }

        if (authorities.Count == 0)
        {
            throw new ArgumentException($"The AMQP CA file {path} holds no PEM certificate.");
        }

        return authorities;
    }

    /// <summary>The client certificate with its private key, usable by SslStream.</summary>
    public static X509Certificate2 LoadClientCertificate(string certificatePath, string? keyPath)
    {
        X509Certificate2 certificate;
        try
        {
            if (keyPath is not null)
            {
                using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
                // Re-imported so that the key is usable by SslStream on every platform.
                certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            }
            else
            {
                certificate = X509CertificateLoader.LoadPkcs12FromFile(certificatePath, null);
            }
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException($"The AMQP client certificate {certificatePath} cannot be read: {e.Message}", e);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new ArgumentException($"The AMQP client certificate {certificatePath} comes without its private key.");
        }

        return certificate;
    }

    /// <summary>
    /// Accepts the broker's certificate only if it names the host (no policy error but the chain's) and chains to one
    /// of <paramref name="authorities"/> (revocation is not checked: a private CA rarely publishes a list).
    /// </summary>
    public static bool Validate(X509Certificate2Collection authorities, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (certificate is X509Certificate2 presented)
        {
            return chain.Build(presented);
        }

        using var copy = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(copy);
    }
}
