using System.Globalization;
using Meterline.HeadEnd.Meters;
using Meterline.Meter.Control;

namespace Meterline.Cli.Tests.Api;

/// <summary>`meterline cmd` in process against a running head-end whose meters are real simulated meters on DLMS/TCP.</summary>
public sealed class CliCmdTests(CliHeadEnd headEnd) : IClassFixture<CliHeadEnd>, IAsyncLifetime
{
    private static readonly string Tomorrow = DateTimeOffset.UtcNow.AddDays(1).ToString("O", CultureInfo.InvariantCulture);

    public Task InitializeAsync() => headEnd.EnsureImportedAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task CmdDisconnectWait_FollowsToConfirmed_RelayOpens_ThenConnectCloses()
    {
        var meter = headEnd.Fleet.Meters.Single(m => m.Id == "MTL00000002").Meter;

        var (code, output, error) = await Cli.RunAsync("cmd", "disconnect", "MTL00000002", "--wait", "--timeout", "60", "--server", headEnd.Server, "--token", headEnd.Token, "--actor", "operator-cli");

        Assert.True(code == 0, output + error);
        Assert.Contains("disconnect MTL00000002: Requested", output, StringComparison.Ordinal);
        Assert.Contains("disconnect MTL00000002: Confirmed", output, StringComparison.Ordinal);
        Assert.Contains("relay         Disconnected", output, StringComparison.Ordinal);
        Assert.False(meter.Relay.OutputState);
        Assert.Equal(RelayState.Disconnected, (await headEnd.Node.Meters.FindBySerialAsync("MTL00000002"))!.RelayState);

        var connect = await Cli.RunAsync("cmd", "connect", "MTL00000002", "--wait", "--timeout", "60", "--server", headEnd.Server, "--token", headEnd.Token);
        Assert.True(connect.Code == 0, connect.Output + connect.Error);
        Assert.Contains("connect MTL00000002: Confirmed", connect.Output, StringComparison.Ordinal);
        Assert.NotEqual(DisconnectControlState.Disconnected, meter.Relay.ControlState);
    }

    [Fact]
    public async Task CmdReadWait_PrintsTheRegistersRead()
    {
        var (code, output, error) = await Cli.RunAsync("cmd", "read", "MTL00000003", "--quantity", "1.0.1.8.0.255", "--quantity", "1.0.12.7.0.255", "--wait", "--server", headEnd.Server, "--token", headEnd.Token);

        Assert.True(code == 0, output + error);
        Assert.Contains("read MTL00000003: Confirmed", output, StringComparison.Ordinal);
        Assert.Contains("1.0.1.8.0.255", output, StringComparison.Ordinal);
        Assert.Contains("1.0.12.7.0.255", output, StringComparison.Ordinal);
        Assert.Contains(" V ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CmdWithoutWait_PrintsTheAcceptedCommandAndHowToFollowIt()
    {
        var (code, output, _) = await Cli.RunAsync("cmd", "disconnect", "MTL00000004", "--not-before", Tomorrow, "--server", headEnd.Server, "--token", headEnd.Token);

        Assert.Equal(0, code);
        Assert.Contains("disconnect MTL00000004: Requested", output, StringComparison.Ordinal);
        Assert.Contains("meterline cmd show", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CmdWait_TimeoutBeforeTheCommandRuns_Exit4AndTheCommandGoesOn()
    {
        var (code, output, _) = await Cli.RunAsync("cmd", "connect", "MTL00000004", "--not-before", Tomorrow, "--wait", "--timeout", "1", "--server", headEnd.Server, "--token", headEnd.Token);

        Assert.Equal(4, code);
        Assert.Contains("still Requested after 1 s", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CmdCancel_ThenShow_CancelledExit5()
    {
        var created = await Cli.RunAsync("cmd", "disconnect", "MTL00000005", "--not-before", Tomorrow, "--server", headEnd.Server, "--token", headEnd.Token);
        var id = IdOf(created.Output);

        var cancel = await Cli.RunAsync("cmd", "cancel", id, "--server", headEnd.Server, "--token", headEnd.Token);
        var show = await Cli.RunAsync("cmd", "show", id, "--server", headEnd.Server, "--token", headEnd.Token);
        var again = await Cli.RunAsync("cmd", "cancel", id, "--server", headEnd.Server, "--token", headEnd.Token);

        Assert.Equal(0, cancel.Code);
        Assert.Contains("Cancelled", cancel.Output, StringComparison.Ordinal);
        Assert.Equal(5, show.Code);
        Assert.Contains("cancelledBy", show.Output, StringComparison.Ordinal);
        Assert.Equal(3, again.Code);
        Assert.Contains("Command cannot be cancelled", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CmdWait_MeterUnreachable_Exit2WithTheReason()
    {
        var meter = await headEnd.Node.Provisioner.AddAsync(new MeterRegistration("CLI-DARK", new MeterSystemTitle(0x4D544C00D0000001UL), "is15959-single-phase",
            Endpoint: new MeterEndpoint("dlms+tcp://127.0.0.1:9?wport=1")), "test");
        Assert.NotNull(meter.Meter);

        var (code, output, _) = await Cli.RunAsync("cmd", "disconnect", "CLI-DARK", "--wait", "--server", headEnd.Server, "--token", headEnd.Token);

        Assert.Equal(2, code);
        Assert.Contains("disconnect CLI-DARK: Failed", output, StringComparison.Ordinal);
        Assert.Contains("meter unreachable", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "cmd", "disconnect", "NO-SUCH-METER" }, 3, "Unknown meter")]
    [InlineData(new[] { "cmd", "show", "99999999" }, 3, "Unknown command")]
    [InlineData(new[] { "cmd", "read", "MTL00000001" }, 1, "a read needs --quantity")]
    [InlineData(new[] { "cmd", "read", "MTL00000001", "--quantity", "7.7.7.7.7.7" }, 3, "Invalid command parameters")]
    [InlineData(new[] { "cmd", "read", "MTL00000001", "--from", "2026-03-01T00:00:00Z" }, 1, "--from and --to go together")]
    [InlineData(new[] { "cmd", "connect", "MTL00000001", "--wait", "--timeout", "0" }, 1, "--timeout is 1 to 86400")]
    public async Task Cmd_Refused_ExitCodeAndOneLineError(string[] args, int expected, string message)
    {
        var (code, _, error) = await Cli.RunAsync([.. args, "--server", headEnd.Server, "--token", headEnd.Token]);

        Assert.Equal(expected, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cmd_ServerUnreachable_Exit2()
    {
        var (code, _, error) = await Cli.RunAsync("cmd", "disconnect", "MTL00000001", "--server", "http://127.0.0.1:1");

        Assert.Equal(2, code);
        Assert.Contains("cannot reach the head-end", error, StringComparison.Ordinal);
    }

    private static string IdOf(string output)
    {
        var start = output.IndexOf("command ", StringComparison.Ordinal) + "command ".Length;
        return output[start..output.IndexOf(' ', start)];
    }
}
