using Spectre.Console;

namespace Meterline.Cli.Api;

/// <summary>
/// The Spectre.Console console a command writes its tables to: the real one (colours, live progress) when the output
/// is an interactive terminal, else a plain one over the given writer (redirected output, tests, CI).
/// </summary>
internal static class CliConsole
{
    public static bool IsInteractive(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public static IAnsiConsole For(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (IsInteractive(output))
        {
            return AnsiConsole.Console;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 160;
        return console;
    }
}
