using System.CommandLine;
using Meterline.Cli.Serve;
using Meterline.Server.Hosting;

namespace Meterline.Cli.Tests.Serve;

/// <summary>`meterline serve` arguments parsed (with <c>--profiles .</c>) and turned into the node's options, as the command does.</summary>
internal static class ServeParse
{
    /// <summary>The node's options for <paramref name="args"/>; fails the test if the parser reports an error.</summary>
    public static HeadEndOptions Parse(params string[] args)
    {
        var options = new ServeOptions();
        var command = new Command("serve");
        options.AddTo(command);
        var result = command.Parse(["--profiles", ".", .. args]);
        Assert.Empty(result.Errors);
        return options.ToHeadEndOptions(result);
    }
}
