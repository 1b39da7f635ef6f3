using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Meterline.HeadEnd.Mqtt.Broker;

/// <summary>
/// TLS for the embedded broker's listeners: the server certificate (with its private key) and whether clients must
/// present one. Client certificates are checked against <see cref="ClientRoots"/> when given (a private meter CA),
/// otherwise against the system's trust store.
/// </summary>
public sealed record MqttBrokerTls
{
    public required X509Certificate2 ServerCertificate { get; init; }

    public MqttClientCertificateMode ClientCertificates { get; init; } = MqttClientCertificateMode.None;

    /// <summary>The roots client certificates must chain to; empty for the system's trust store.</summary>
    public X509Certificate2Collection ClientRoots { get; init; } = [];

    /// <summary>How long the TLS handshake may take (it also counts against the connection gate's authentication timeout).</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Loads a PEM certificate and key, or a PFX (key path null; password may be null).</summary>
    public static X509Certificate2 LoadCertificate(string certificatePath, string? keyPath, string? pfxPassword = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(certificatePath);
        if (keyPath is not null)
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            // Re-import so the key is usable by SslStream on every platform.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }

        return X509CertificateLoader.LoadPkcs12FromFile(certificatePath, pfxPassword);
    }

    internal bool ValidateClient(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return ClientCertificates != MqttClientCertificateMode.Required;
        }

        if (ClientRoots.Count == 0)
        {
            return errors == SslPolicyErrors.None;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(ClientRoots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (certificate is X509Certificate2 presented)
        {
            return chain.Build(presented);
        }

        using var copy = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(copy);
    }
}
