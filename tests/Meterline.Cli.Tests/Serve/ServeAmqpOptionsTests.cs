using System.CommandLine;
using Meterline.Cli.Dlms;
using Meterline.Cli.Serve;
using static Meterline.Cli.Tests.Serve.ServeParse;

namespace Meterline.Cli.Tests.Serve;

/// <summary>
/// <c>meterline serve --amqp-uri/--amqp-password-env/--amqp-exchange/--amqp-ca/--amqp-client-cert/--amqp-client-key</c>
/// turned into the node's northbound options.
/// </summary>
public sealed class ServeAmqpOptionsTests
{
    private const string PasswordVariable = "METERLINE_TEST_AMQP_PASSWORD";

    [Fact]
    public void ToHeadEndOptions_UriPasswordVariableAndExchange_SetTheNorthboundPublisher()
    {
        Environment.SetEnvironmentVariable(PasswordVariable, "s3cret-from-env");
        try
        {
            var node = Parse("--amqp-uri", "amqps://hes@broker.example:5671/utility", "--amqp-password-env", PasswordVariable, "--amqp-exchange", "utility.meters");

            var publisher = node.Northbound!.Publisher;
            Assert.Equal(new Uri("amqps://hes@broker.example:5671/utility"), publisher.Uri);
            Assert.Equal("s3cret-from-env", publisher.Password);
            Assert.Equal("utility.meters", publisher.Exchange);
            Assert.DoesNotContain("s3cret", publisher.SafeUri, StringComparison.Ordinal);
            Assert.DoesNotContain("hes@", publisher.SafeUri, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(PasswordVariable, null);
        }
    }

    [Fact]
    public void ToHeadEndOptions_NoUri_NorthboundOff() => Assert.Null(Parse().Northbound);

    [Theory]
    [InlineData("--amqp-uri", "amqp://hes:inline-secret@broker:5672/")]
    [InlineData("--amqp-uri", "http://broker:5672/")]
    [InlineData("--amqp-password-env", PasswordVariable)]
    public void ToHeadEndOptions_PasswordInUriWrongSchemeOrPasswordWithoutUri_IsAUsageErrorWithoutTheSecret(string option, string value)
    {
        var error = Assert.Throws<CommandException>(() => Parse(option, value));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains("--amqp-", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("inline-secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToHeadEndOptions_PasswordVariableNotSet_IsAUsageErrorNamingIt()
    {
        var error = Assert.Throws<CommandException>(() => Parse("--amqp-uri", "amqp://hes@broker/", "--amqp-password-env", "METERLINE_TEST_AMQP_UNSET"));

        Assert.Contains("METERLINE_TEST_AMQP_UNSET", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToHeadEndOptions_CaAndClientCertificateFiles_SetThePublishersTlsFiles()
    {
        var directory = Directory.CreateTempSubdirectory("meterline-amqp-tls-").FullName;
        try
        {
            var (ca, certificate, key) = (Path.Combine(directory, "ca.pem"), Path.Combine(directory, "node.pem"), Path.Combine(directory, "node.key"));
            foreach (var file in new[] { ca, certificate, key })
            {
                File.WriteAllText(file, "-");
            }

            var publisher = Parse("--amqp-uri", "amqps://hes@broker:5671/", "--amqp-ca", ca, "--amqp-client-cert", certificate, "--amqp-client-key", key).Northbound!.Publisher;

            Assert.Equal((ca, certificate, key), (publisher.CaCertificatePath, publisher.ClientCertificatePath, publisher.ClientKeyPath));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("amqps://hes@broker:5671/", "--amqp-ca", "/nonexistent/ca.pem", "--amqp-ca")]
    [InlineData("amqps://hes@broker:5671/", "--amqp-client-cert", "/nonexistent/node.pem", "--amqp-client-cert")]
    [InlineData("amqp://hes@broker:5672/", "--amqp-ca", "EXISTING", "amqps")]
    [InlineData("amqps://hes@broker:5671/", "--amqp-client-key", "EXISTING", "client certificate")]
    public void ToHeadEndOptions_TlsFileMissingPlainAmqpOrKeyWithoutCertificate_IsAUsageError(string uri, string option, string value, string named)
    {
        var existing = Path.GetTempFileName();
        try
        {
            var error = Assert.Throws<CommandException>(() => Parse("--amqp-uri", uri, option, value == "EXISTING" ? existing : value));

            Assert.Equal(ExitCodes.Usage, error.ExitCode);
            Assert.Contains(named, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(existing);
        }
    }

    [Fact]
    public void ToHeadEndOptions_TlsFileWithoutUri_IsAUsageError() =>
        Assert.Equal(ExitCodes.Usage, Assert.Throws<CommandException>(() => Parse("--amqp-ca", "ca.pem")).ExitCode);
}
