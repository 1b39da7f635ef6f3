using System.CommandLine;
using Meterline.Cli.Dlms;
using Meterline.Cli.Serve;

namespace Meterline.Cli.Tests.Serve;

/// <summary><c>meterline serve --amqp-uri/--amqp-password-env/--amqp-exchange</c> turned into the node's northbound options.</summary>
public sealed class ServeAmqpOptionsTests
{
    private const string PasswordVariable = "METERLINE_TEST_AMQP_PASSWORD";

    private static Meterline.Server.Hosting.HeadEndOptions Parse(params string[] args)
    {
        var options = new ServeOptions();
        var command = new Command("serve");
        options.AddTo(command);
        var result = command.Parse(["--profiles", ".", .. args]);
        Assert.Empty(result.Errors);
        return options.ToHeadEndOptions(result);
    }

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
}
