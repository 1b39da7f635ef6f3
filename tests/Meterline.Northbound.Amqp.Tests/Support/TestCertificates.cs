using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Meterline.Northbound.Amqp.Tests.Support;

/// <summary>
/// A throwaway CA, a server certificate it issued for localhost and 127.0.0.1, and a client certificate it issued for
/// the node (mutual TLS), written as PEM files for the broker and the publisher.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    public TestCertificates(string directory)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Meterline test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        Authority = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(Authority, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(16));

        using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var clientRequest = new CertificateRequest("CN=meterline-node", clientKey, HashAlgorithmName.SHA256);
        clientRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var client = clientRequest.Create(Authority, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(16));

        CaFile = Path.Combine(directory, "ca.pem");
        ClientCertificateFile = Path.Combine(directory, "client.pem");
        ClientKeyFile = Path.Combine(directory, "client.key");
        File.WriteAllText(ClientCertificateFile, client.ExportCertificatePem());
        File.WriteAllText(ClientKeyFile, clientKey.ExportPkcs8PrivateKeyPem());
        CertificateFile = Path.Combine(directory, "server.pem");
        KeyFile = Path.Combine(directory, "server.key");
        File.WriteAllText(CaFile, Authority.ExportCertificatePem());
        File.WriteAllText(CertificateFile, server.ExportCertificatePem());
        File.WriteAllText(KeyFile, serverKey.ExportPkcs8PrivateKeyPem());
    }

    public X509Certificate2 Authority { get; }

    public string CaFile { get; }

    public string CertificateFile { get; }

    public string KeyFile { get; }

    /// <summary>The node's client certificate (PEM) and its key (PKCS#8 PEM).</summary>
    public string ClientCertificateFile { get; }

    public string ClientKeyFile { get; }

    /// <summary>Accepts a server certificate only if it chains to <see cref="Authority"/> and names the host (no other policy errors).</summary>
    public bool Validate(X509Certificate? certificate, System.Net.Security.SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var presented = new X509Certificate2(certificate);
        return chain.Build(presented);
    }

    public void Dispose() => Authority.Dispose();
}
