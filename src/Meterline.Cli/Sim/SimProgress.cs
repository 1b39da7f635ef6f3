using Meterline.Simulator.Fleet;
using Spectre.Console;

namespace Meterline.Cli.Sim;

/// <summary>
/// Shows a running fleet's progress until <c>until</c> completes: a Spectre.Console live table when the output is
/// an interactive console, plain status lines every interval otherwise (redirected output, tests, CI).
/// </summary>
internal static class SimProgress
{
    public static async Task ShowAsync(FleetSimulator fleet, TextWriter output, TimeSpan interval, Task until, CancellationToken cancellationToken)
    {
        if (ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive)
        {
            await ShowLiveAsync(fleet, until).ConfigureAwait(false);
            return;
        }

        while (!until.IsCompleted && !cancellationToken.IsCancellationRequested)
        {
            await Task.WhenAny(until, Task.Delay(interval, CancellationToken.None)).ConfigureAwait(false);
            await output.WriteLineAsync(SimReport.StatusLine(fleet.Snapshot())).ConfigureAwait(false);
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task ShowLiveAsync(FleetSimulator fleet, Task until)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("fleet").AddColumn(new TableColumn("now").RightAligned());
        string[] rows = ["simulated time", "meters (dark)", "load-profile entries", "events", "pushes delivered", "pushes pending", "pushes dropped", "connections open", "connections served", "APDUs served", "scenarios active"];
        foreach (var row in rows)
        {
            table.AddRow(row, string.Empty);
        }

        await AnsiConsole.Live(table).StartAsync(async context =>
        {
            while (true)
            {
                var s = fleet.Snapshot();
                string[] values =
                [
                    s.SimulatedTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
                    $"{s.Meters} ({s.MetersWithoutPower})",
                    Format(s.LoadProfileEntries), Format(s.Events), Format(s.PushesDelivered), Format(s.PushesPending), Format(s.PushesDropped),
                    Format(s.OpenConnections), Format(s.AcceptedConnections), Format(s.ApdusServed), Format(s.ActiveScenarios),
                ];
                for (var i = 0; i < values.Length; i++)
                {
                    table.UpdateCell(i, 1, Markup.Escape(values[i]));
                }

                context.Refresh();
                if (until.IsCompleted)
                {
                    return;
                }

                await Task.WhenAny(until, Task.Delay(500)).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
    }

    private static string Format(long value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
}
