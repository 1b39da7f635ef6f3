using Meterline.Cli.Dlms;

namespace Meterline.Cli.Api;

/// <summary>Runs the body of an API command: a <see cref="CommandException"/> becomes one "error:" line and its exit code.</summary>
internal static class ApiCommand
{
    public static async Task<int> RunAsync(TextWriter error, Func<Task<int>> body)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (CommandException e)
        {
            await error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
            await error.FlushAsync().ConfigureAwait(false);
            return e.ExitCode;
        }
    }

    /// <summary>A path segment or query value, escaped.</summary>
    public static string Escape(string value) => Uri.EscapeDataString(value);
}
