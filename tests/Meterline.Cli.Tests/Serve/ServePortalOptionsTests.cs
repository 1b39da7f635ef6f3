using System.CommandLine;
using Meterline.Cli.Serve;

namespace Meterline.Cli.Tests.Serve;

/// <summary><c>meterline serve --consumer-top-ups</c>: consumers' own top-ups in the portal (docs/web.md "Consumer portal").</summary>
public sealed class ServePortalOptionsTests
{
    private static Meterline.Server.ServerOptions Parse(params string[] args)
    {
        var options = new ServeOptions();
        var command = new Command("serve");
        options.AddTo(command);
        var result = command.Parse(["--profiles", ".", .. args]);
        Assert.Empty(result.Errors);
        return options.ToServerOptions(result);
    }

    [Fact]
    public void ToServerOptions_ConsumerTopUps_TurnsThemOn() => Assert.True(Parse("--consumer-top-ups").Portal.ConsumerTopUp);

    [Fact]
    public void ToServerOptions_NoFlag_ConsumerTopUpsOff() => Assert.False(Parse().Portal.ConsumerTopUp);
}
