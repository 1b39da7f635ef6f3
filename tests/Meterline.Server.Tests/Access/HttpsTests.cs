using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Meterline.Server.Access;

namespace Meterline.Server.Tests.Access;

/// <summary>HTTPS with a certificate generated for the test (ECDSA P-256, 127.0.0.1): served, HSTS on, plain HTTP from loopback still served.</summary>
public sealed class HttpsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("meterline-https-").FullName;

    [Fact]
    public async Task Https_GeneratedCertificate_ServesTheApiWithHsts()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certificateFile = Path.Combine(_directory, "cert.pem");
        var keyFile = Path.Combine(_directory, "key.pem");
        await File.WriteAllTextAsync(certificateFile, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem());

        await using var server = await RunningServer.StartAsync(o => o with { HttpsUrls = ["https://127.0.0.1:0"], TlsCertificateFile = certificateFile, TlsKeyFile = keyFile });
        var https = server.Urls.Single(u => u.StartsWith("https:", StringComparison.Ordinal));
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented is not null && presented.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span),
        };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(https), Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = server.Client.DefaultRequestHeaders.Authorization;

        using var secure = await client.GetAsync(new Uri("/api/meters", UriKind.Relative));
        using var plain = await server.Client.GetAsync(new Uri("/api/meters", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, secure.StatusCode);
        Assert.Equal(SecurityHeaders.StrictTransportSecurity, string.Join(",", secure.Headers.GetValues("Strict-Transport-Security")));
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
