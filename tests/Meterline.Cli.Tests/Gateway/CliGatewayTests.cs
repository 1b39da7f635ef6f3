using Run = Meterline.Cli.Tests.Api.Cli;

namespace Meterline.Cli.Tests.Gateway;

/// <summary>`meterline gateway --broker …`: the command line is checked before the coordinator is opened.</summary>
public sealed class CliGatewayTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("meterline-cli-gateway-").FullName;

    private string PasswordFile => Path.Combine(_directory, "gw.password");

    private string MetersFile => Path.Combine(_directory, "gw.meters");

    [Theory]
    [InlineData("--push", "tcp://127.0.0.1:4059", "exclude each other")]
    [InlineData("--broker-user", "", "needs --broker-user")]
    [InlineData("--broker-password-file", "/nonexistent/gw.password", "Cannot read")]
    public async Task Gateway_BrokerWithConflictingOrMissingOptions_UsageError(string option, string value, string expected)
    {
        await File.WriteAllTextAsync(PasswordFile, "secret-secret\n");
        await File.WriteAllTextAsync(MetersFile, "4D4C4D0000000001 0013A2004D540001\n");
        string[] args = option switch
        {
            "--broker-user" => ["gateway", "--serial", "/dev/null", "--broker", "mqtt://127.0.0.1:1883", "--broker-password-file", PasswordFile, "--meters", MetersFile],
            "--broker-password-file" => ["gateway", "--serial", "/dev/null", "--broker", "mqtt://127.0.0.1:1883", "--broker-user", "gw", "--meters", MetersFile, option, value],
            _ => ["gateway", "--serial", "/dev/null", "--broker", "mqtt://127.0.0.1:1883", "--broker-user", "gw", "--broker-password-file", PasswordFile, "--meters", MetersFile, option, value],
        };

        var (code, _, error) = await Run.RunAsync(args);

        Assert.Equal(1, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:1883", "--broker is mqtt")]
    [InlineData("mqtt://user@127.0.0.1:1883", "--broker is mqtt")]
    [InlineData("mqtt://127.0.0.1:1883/path", "--broker is mqtt")]
    public async Task Gateway_BadBrokerAddress_UsageError(string broker, string expected)
    {
        var (code, _, error) = await Run.RunAsync(["gateway", "--serial", "/dev/null", "--broker", broker, "--broker-user", "gw", "--broker-password-file", PasswordFile, "--meters", MetersFile]);

        Assert.Equal(1, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_BadMetersFileOrEmptyPassword_UsageErrorNamingIt()
    {
        await File.WriteAllTextAsync(PasswordFile, "secret-secret\n");
        await File.WriteAllTextAsync(MetersFile, "4D4C4D0000000001 0013A2004D540001\n4D4C4D0000000001 0013A2004D540002\n");
        var (code, _, error) = await Run.RunAsync(["gateway", "--serial", "/dev/null", "--broker", "mqtt://127.0.0.1:1883", "--broker-user", "gw", "--broker-password-file", PasswordFile, "--meters", MetersFile]);
        Assert.Equal(1, code);
        Assert.Contains("line 2", error, StringComparison.Ordinal);

        await File.WriteAllTextAsync(MetersFile, "4D4C4D0000000001 0013A2004D540001\n");
        await File.WriteAllTextAsync(PasswordFile, "\n");
        (code, _, error) = await Run.RunAsync(["gateway", "--serial", "/dev/null", "--broker", "mqtt://127.0.0.1:1883", "--broker-user", "gw", "--broker-password-file", PasswordFile, "--meters", MetersFile]);
        Assert.Equal(1, code);
        Assert.Contains("is empty", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_BrokerOptionsWithoutBroker_UsageError()
    {
        var (code, _, error) = await Run.RunAsync(["gateway", "--serial", "/dev/null", "--meters", MetersFile]);

        Assert.Equal(1, code);
        Assert.Contains("go with --broker", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "gateway" }, "--serial is required")]
    [InlineData(new[] { "gateway", "--wrapper-listen", "127.0.0.1:0" }, "--wrapper-listen goes with --broker")]
    [InlineData(new[] { "gateway", "--wrapper-listen", "nowhere" }, "--wrapper-listen is address:port")]
    [InlineData(new[] { "gateway", "--serial", "/dev/null", "--wrapper-max-connections", "0" }, "--wrapper-max-connections is 1 to 100000")]
    [InlineData(new[] { "gateway", "--serial", "/dev/null", "--keep-timeout", "30" }, "--keep-timeout goes with --wrapper-listen")]
    [InlineData(new[] { "gateway", "--keep-timeout", "5", "--wrapper-listen", "nowhere" }, "--wrapper-listen is address:port")]
    public async Task Gateway_WrapperListenMisused_UsageError(string[] arguments, string expected)
    {
        var (code, _, error) = await Run.RunAsync(arguments);

        Assert.Equal(1, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0.5")]
    [InlineData("3601")]
    [InlineData("NaN")]
    public async Task Gateway_KeepTimeoutOutOfRange_UsageError(string seconds)
    {
        await File.WriteAllTextAsync(PasswordFile, "secret-secret\n");
        await File.WriteAllTextAsync(MetersFile, "4D4C4D0000000001\n");

        var (code, _, error) = await Run.RunAsync(["gateway", "--broker", "mqtt://127.0.0.1:1", "--broker-user", "gw", "--broker-password-file", PasswordFile,
            "--meters", MetersFile, "--wrapper-listen", "127.0.0.1:0", "--keep-timeout", seconds]);

        Assert.Equal(1, code);
        Assert.Contains("--keep-timeout is 1 to 3600 seconds", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_KeepTimeoutInRange_Accepted()
    {
        await File.WriteAllTextAsync(PasswordFile, "secret-secret\n");
        await File.WriteAllTextAsync(MetersFile, "4D4C4D0000000001\n");

        // Runs (a DLMS/TCP-only gateway, no broker to reach) for a moment and stops by itself.
        var (code, output, error) = await Run.RunAsync(["gateway", "--broker", "mqtt://127.0.0.1:1", "--broker-user", "gw", "--broker-password-file", PasswordFile,
            "--meters", MetersFile, "--wrapper-listen", "127.0.0.1:0", "--keep-timeout", "2.5", "--seconds", "0.5"]);

        Assert.True(code == 0, error);
        Assert.Contains("DLMS/TCP meters on 127.0.0.1:", output, StringComparison.Ordinal);
        Assert.Contains("keep timeout 2.5 s", output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
