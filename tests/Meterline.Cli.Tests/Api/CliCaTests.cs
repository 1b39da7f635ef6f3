using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Meterline.Server;
using Meterline.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Meterline.Cli.Tests.Api;

/// <summary>
/// The CLI's --ca against a real node serving HTTPS with a certificate issued for 127.0.0.1 by a test CA: trusted
/// with that CA's PEM, refused without it (the system's roots), refused with another CA, and refused for a host name
/// the certificate does not name even with the right CA; and the demo's self-signed certificate given as its own CA.
/// </summary>
public sealed class CliCaTests(CliCaTests.HttpsNodes nodes) : IClassFixture<CliCaTests.HttpsNodes>
{
    private readonly string _directory = nodes.Directory;
    private readonly Uri _https = nodes.Https;
    private readonly string _token = nodes.Token;

    private string CaFile => nodes.CaFile;

    private string OtherCaFile => nodes.OtherCaFile;

    [Fact]
    public async Task MetersList_WithTheIssuingCa_Trusted()
    {
        var (code, output, error) = await Cli.RunAsync("meters", "list", "--server", _https.ToString(), "--token", _token, "--ca", CaFile);

        Assert.True(code == 0, error);
        Assert.DoesNotContain("not trusted", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetersList_WithoutCa_RefusedAsUntrusted()
    {
        var (code, _, error) = await Cli.RunAsync("meters", "list", "--server", _https.ToString(), "--token", _token);

        Assert.NotEqual(0, code);
        Assert.Contains("not trusted", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetersList_WithAnotherCa_RefusedAsUntrusted()
    {
        var (code, _, error) = await Cli.RunAsync("meters", "list", "--server", _https.ToString(), "--token", _token, "--ca", OtherCaFile);

        Assert.NotEqual(0, code);
        Assert.Contains("not trusted", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetersList_HostNameNotInTheCertificate_RefusedEvenWithTheCa()
    {
        var byName = new UriBuilder(_https) { Host = "localhost" }.Uri;

        var (code, _, error) = await Cli.RunAsync("meters", "list", "--server", byName.ToString(), "--token", _token, "--ca", CaFile);

        Assert.NotEqual(0, code);
        Assert.Contains("not trusted", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetersList_CaFileWithoutCertificate_UsageError()
    {
        var empty = Path.Combine(_directory, "empty.pem");
        await File.WriteAllTextAsync(empty, "not a certificate\n");

        var (code, _, error) = await Cli.RunAsync("meters", "list", "--server", _https.ToString(), "--token", _token, "--ca", empty);

        Assert.Equal(Meterline.Cli.Api.ApiExitCodes.Usage, code);
        Assert.Contains("--ca", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetersList_DemoCertificateAsItsOwnCa_Trusted()
    {
        var (code, _, error) = await Cli.RunAsync("meters", "list", "--server", nodes.DemoHttps.ToString(), "--token", nodes.DemoToken, "--ca", nodes.DemoCertificateFile);
        var refused = await Cli.RunAsync("meters", "list", "--server", nodes.DemoHttps.ToString(), "--token", nodes.DemoToken);

        Assert.True(code == 0, error);
        Assert.NotEqual(0, refused.Code);
    }

    /// <summary>
    /// Two nodes on SQLite serving HTTPS: one with a certificate for 127.0.0.1 issued by a test CA (another CA's
    /// certificate beside it), one with the demo's self-signed certificate.
    /// </summary>
    public sealed class HttpsNodes : IAsyncLifetime
    {
        private readonly List<(HeadEndNode Node, WebApplication App)> _running = [];

        public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("meterline-cli-ca-").FullName;

        public string CaFile => Path.Combine(Directory, "ca.pem");

        public string OtherCaFile => Path.Combine(Directory, "other-ca.pem");

        public string DemoCertificateFile { get; private set; } = null!;

        public Uri Https { get; private set; } = null!;

        public string Token { get; private set; } = null!;

        public Uri DemoHttps { get; private set; } = null!;

        public string DemoToken { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using var ca = Authority("CN=Meterline test CA", caKey);
            using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using var other = Authority("CN=Meterline other CA", otherKey);
            await File.WriteAllTextAsync(CaFile, ca.ExportCertificatePem());
            await File.WriteAllTextAsync(OtherCaFile, other.ExportCertificatePem());

            using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
            using var server = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(16));
            var certificateFile = Path.Combine(Directory, "server.pem");
            var keyFile = Path.Combine(Directory, "server-key.pem");
            await File.WriteAllTextAsync(certificateFile, server.ExportCertificatePem());
            await File.WriteAllTextAsync(keyFile, serverKey.ExportPkcs8PrivateKeyPem());
            (Https, Token) = await StartAsync("ca", certificateFile, keyFile);

            var demo = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "demo")).FullName;
            var (demoCertificate, demoKey) = Meterline.Cli.Demo.DemoCertificate.Ensure(demo, TimeProvider.System);
            DemoCertificateFile = demoCertificate;
            (DemoHttps, DemoToken) = await StartAsync("demo", demoCertificate, demoKey);
        }

        public async Task DisposeAsync()
        {
            foreach (var (node, app) in _running)
            {
                await app.StopAsync();
                await app.DisposeAsync();
                await node.DisposeAsync();
            }

            System.IO.Directory.Delete(Directory, recursive: true);
        }

        private async Task<(Uri Https, string Token)> StartAsync(string name, string certificateFile, string keyFile)
        {
            var tokenFile = Path.Combine(Directory, name + ".admin-token");
            var node = await HeadEndNode.OpenAsync(new HeadEndOptions
            {
                Database = "Data Source=" + Path.Combine(Directory, name + ".db"),
                KeyFile = Path.Combine(Directory, name + ".kek"),
                CreateKeyFile = true,
                ProfilesDirectory = Path.Combine(AppContext.BaseDirectory, "profiles"),
                PushListeners = [],
                Scheduler = null,
                Backfill = null,
                BootstrapTokenFile = tokenFile,
            });
            var app = ServerApplication.Build(
                new ServerOptions { Urls = ["http://127.0.0.1:0"], HttpsUrls = ["https://127.0.0.1:0"], TlsCertificateFile = certificateFile, TlsKeyFile = keyFile }, node);
            _running.Add((node, app));
            await app.StartAsync();
            var https = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First(a => a.StartsWith("https:", StringComparison.Ordinal));
            return (new Uri(https), (await File.ReadAllTextAsync(tokenFile)).Trim());
        }

        private static X509Certificate2 Authority(string name, ECDsa key)
        {
            var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddDays(2));
        }
    }
}
