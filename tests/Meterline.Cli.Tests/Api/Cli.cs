namespace Meterline.Cli.Tests.Api;

/// <summary>Runs the `meterline` command tree in process, as a user runs it, and returns its exit code and output.</summary>
internal static class Cli
{
    public static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await Program.BuildRootCommand(TextWriter.Synchronized(output), TextWriter.Synchronized(error)).Parse(args).InvokeAsync().WaitAsync(CliHeadEnd.Bound);
        return (code, output.ToString(), error.ToString());
    }
}
