using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Meterline.Cli.Dlms;

namespace Meterline.Cli.Api;

/// <summary>
/// The CLI's <c>--ca FILE</c> (docs/access.md, "HTTPS"): the root certificates, from a PEM file, that the head-end's
/// certificate chain must end in — and only those, not the system's store — such as the demo's self-signed
/// certificate. The host name is still checked against the certificate, and any other chain error refuses the
/// connection; there is no way to accept any certificate. Revocation is not checked (a private root publishes no
/// revocation list).
/// </summary>
internal static class TrustedRoots
{
    /// <summary>The certificates of a PEM file; a usage error when it cannot be read or holds none.</summary>
    public static X509Certificate2Collection Load(string file)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(file);
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new CommandException($"--ca {file}: {e.Message}", ApiExitCodes.Usage);
        }

        return roots.Count > 0 ? roots : throw new CommandException($"--ca {file}: no certificate (PEM) in it", ApiExitCodes.Usage);
    }

    /// <summary>A handler whose TLS connections trust <paramref name="roots"/> only (custom root trust), the host name checked as usual.</summary>
    public static SocketsHttpHandler Handler(X509Certificate2Collection roots)
    {
        ArgumentNullException.ThrowIfNull(roots);
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.AddRange(roots);
        return new SocketsHttpHandler { SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = policy } };
    }
}
